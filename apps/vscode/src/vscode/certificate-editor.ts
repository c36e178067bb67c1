/**
 * The certificate view's edge: a `CustomReadonlyEditorProvider` for `.pem`, `.crt`, `.cer`,
 * `.csr` and `.der` files (package.json `customEditors`), and the file decorations that mark
 * certificates in the workspace which acmapi.json does not list. The file is read with core's
 * `describePkiFile` and shown by `renderCertificateView` (pure); this module only reads files,
 * answers the page's buttons, and edits acmapi.json when asked to add a certificate.
 */
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import * as vscode from 'vscode';
import { describePkiFile, normalizeDomains, type PkiFileDescription } from '@acmapi/core';
import { certificateNameFor, configuredFor, renderCertificateView, type Management } from '../viewer/certificate-view.js';
import type { Controller } from './controller.js';

/** The custom editor's view type (package.json `customEditors`). */
export const CERTIFICATE_VIEW_TYPE = 'acmapi.certificateView';
/** Files the view reads; larger ones are not PKI files a person opens. */
const MAX_BYTES = 1024 * 1024;
/** Files the workspace scan looks at. */
const CERTIFICATE_GLOB = '**/*.{pem,crt,cer,der}';
const SCAN_LIMIT = 500;

class PkiDocument implements vscode.CustomDocument {
  constructor(readonly uri: vscode.Uri) {}
  dispose(): void {
    // Nothing held: the file is read on each render.
  }
}

function inside(dir: string, path: string): string | undefined {
  const rel = relative(dir, path);
  return rel === '' || rel.startsWith('..') || rel.startsWith(sep) ? undefined : rel;
}

function sansOf(description: PkiFileDescription): string[] | undefined {
  const leaf = description.certificates[0];
  if (leaf === undefined || leaf.isCa || leaf.sans.length === 0) return undefined;
  try {
    return normalizeDomains(leaf.sans);
  } catch {
    // Names the CA would not accept (spec §4): shown, but not offered for acmapi.json.
    return undefined;
  }
}

/** How the file's certificate relates to the project (see {@link Management}). */
export function managementOf(controller: Controller, path: string, description: PkiFileDescription): Management {
  const service = controller.service;
  if (service === undefined) return { kind: 'none' };
  const inStore = inside(service.project.storeDir, path);
  const storeName = inStore?.split(sep)[0];
  if (storeName !== undefined && description.certificates.length > 0) return { kind: 'store', name: storeName };
  const sans = sansOf(description);
  if (sans === undefined) return { kind: 'none' };
  const name = configuredFor(sans, controller.configuredCertificates());
  return name === undefined ? { kind: 'outside', domains: sans } : { kind: 'configured', name };
}

async function readBounded(uri: vscode.Uri): Promise<Uint8Array> {
  const stat = await vscode.workspace.fs.stat(uri);
  if (stat.size > MAX_BYTES) throw new Error(`${uri.fsPath} is larger than ${MAX_BYTES} bytes`);
  return vscode.workspace.fs.readFile(uri);
}

/** Adds a certificate with `domains` to acmapi.json, keeping every other key as it is. @returns its name. */
async function addToConfig(configFile: string, domains: readonly string[]): Promise<string> {
  const config = JSON.parse(await readFile(configFile, 'utf8')) as { certificates?: { name: string; domains: string[] }[] };
  const certificates = Array.isArray(config.certificates) ? config.certificates : [];
  const name = certificateNameFor(domains, new Set(certificates.map((certificate) => certificate.name)));
  config.certificates = [...certificates, { name, domains: [...domains] }];
  await writeFile(configFile, `${JSON.stringify(config, null, 2)}\n`, 'utf8');
  return name;
}

function isMessage(message: unknown): message is { type: string; value?: unknown; id?: unknown } {
  return typeof message === 'object' && message !== null && typeof (message as { type?: unknown }).type === 'string';
}

/** The readonly editor of PKI files. */
export class CertificateEditorProvider implements vscode.CustomReadonlyEditorProvider<PkiDocument> {
  readonly #controller: Controller;

  constructor(controller: Controller) {
    this.#controller = controller;
  }

  openCustomDocument(uri: vscode.Uri): PkiDocument {
    return new PkiDocument(uri);
  }

  async resolveCustomEditor(document: PkiDocument, panel: vscode.WebviewPanel): Promise<void> {
    const { t, log } = this.#controller.parts;
    const uri = document.uri;
    // No local or remote resource: the page is self-contained.
    panel.webview.options = { enableScripts: true, localResourceRoots: [] };
    let management: Management = { kind: 'none' };
    const render = async (): Promise<void> => {
      let description: PkiFileDescription;
      try {
        description = describePkiFile(await readBounded(uri));
      } catch (error) {
        description = { format: 'pem', certificates: [], chainProblem: undefined, csrs: [], privateKeys: 0, problems: [error instanceof Error ? error.message : String(error)] };
      }
      management = managementOf(this.#controller, uri.fsPath, description);
      panel.webview.html = renderCertificateView({
        description,
        fileName: uri.path.split('/').pop() ?? uri.fsPath,
        management,
        now: new Date(),
        t,
        nonce: randomBytes(16).toString('base64'),
        language: vscode.env.language,
      });
    };
    await render();
    const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.joinPath(uri, '..'), uri.path.split('/').pop() ?? '*'));
    const rerender = (): void => {
      void render();
    };
    panel.onDidDispose(() => {
      watcher.dispose();
    });
    watcher.onDidChange(rerender);
    watcher.onDidCreate(rerender);
    panel.webview.onDidReceiveMessage(async (message: unknown) => {
      if (!isMessage(message)) return;
      try {
        switch (message.type) {
          case 'copy':
            if (typeof message.value !== 'string') return;
            await vscode.env.clipboard.writeText(message.value);
            await panel.webview.postMessage({ type: 'copied', id: message.id, label: t('Copied') });
            return;
          case 'openText':
            await vscode.commands.executeCommand('vscode.openWith', uri, 'default');
            return;
          case 'details':
            if (management.kind === 'store') await vscode.commands.executeCommand('acmapi.showDetails', management.name);
            return;
          case 'addToConfig': {
            const service = this.#controller.service;
            if (management.kind !== 'outside' || service === undefined) return;
            const name = await addToConfig(service.project.configFile, management.domains);
            log.info(`added certificate ${name} (${management.domains.join(', ')}) to acmapi.json from ${uri.fsPath}`);
            await this.#controller.refresh();
            await panel.webview.postMessage({ type: 'added', label: t('Added to acmapi.json as certificate {0}.', name) });
            void vscode.window.showInformationMessage(t('Added certificate {0} ({1}) to acmapi.json.', name, management.domains.join(', ')));
            return;
          }
          default:
            return;
        }
      } catch (error) {
        log.error(`certificate view: ${this.#controller.describe(error)}`);
        void vscode.window.showErrorMessage(this.#controller.describe(error));
      }
    });
  }
}

/**
 * Marks certificate files of the workspace that acmapi.json does not list (a badge in the
 * Explorer), so certificates made by hand or by another tool are found; opening one offers
 * to add it. The store and `node_modules` are left out.
 */
export class WorkspaceCertificateDecorations implements vscode.FileDecorationProvider, vscode.Disposable {
  readonly #changed = new vscode.EventEmitter<vscode.Uri[] | undefined>();
  readonly onDidChangeFileDecorations = this.#changed.event;
  readonly #controller: Controller;
  readonly #outside = new Set<string>();
  readonly #watcher: vscode.FileSystemWatcher;
  #scanning: Promise<void> | undefined;

  constructor(controller: Controller) {
    this.#controller = controller;
    this.#watcher = vscode.workspace.createFileSystemWatcher(CERTIFICATE_GLOB);
    const rescan = (): void => {
      void this.scan();
    };
    this.#watcher.onDidCreate(rescan);
    this.#watcher.onDidChange(rescan);
    this.#watcher.onDidDelete(rescan);
  }

  /** Files marked now (absolute paths). */
  get outside(): readonly string[] {
    return [...this.#outside];
  }

  /** Looks at every certificate file of the workspace again (after acmapi.json changed, too). */
  scan(): Promise<void> {
    this.#scanning ??= this.#scan().finally(() => {
      this.#scanning = undefined;
    });
    return this.#scanning;
  }

  provideFileDecoration(uri: vscode.Uri): vscode.FileDecoration | undefined {
    if (!this.#outside.has(uri.fsPath)) return undefined;
    return new vscode.FileDecoration('+', this.#controller.parts.t('A certificate acmapi.json does not list: open it to add it.'), new vscode.ThemeColor('charts.blue'));
  }

  dispose(): void {
    this.#watcher.dispose();
    this.#changed.dispose();
  }

  async #scan(): Promise<void> {
    const service = this.#controller.service;
    const found = new Set<string>();
    if (service !== undefined) {
      const files = await vscode.workspace.findFiles(CERTIFICATE_GLOB, '**/node_modules/**', SCAN_LIMIT);
      for (const file of files) {
        if (inside(service.project.storeDir, file.fsPath) !== undefined) continue;
        try {
          const description = describePkiFile(await readBounded(file));
          if (managementOf(this.#controller, file.fsPath, description).kind === 'outside') found.add(file.fsPath);
        } catch {
          // Unreadable or too large: not marked.
        }
      }
    }
    const changed = [...new Set([...found, ...this.#outside])].filter((path) => found.has(path) !== this.#outside.has(path));
    this.#outside.clear();
    for (const path of found) this.#outside.add(path);
    if (changed.length > 0) this.#changed.fire(changed.map((path) => vscode.Uri.file(path)));
  }
}

/** The live full chain of a store certificate, for "click opens its details". */
export function liveFullchain(storeDir: string, name: string): vscode.Uri {
  return vscode.Uri.file(join(storeDir, name, 'fullchain.pem'));
}
