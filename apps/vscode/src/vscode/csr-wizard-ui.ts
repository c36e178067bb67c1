/**
 * The CSR wizard as VS Code quick inputs: one step at a time with a step counter, a Back
 * button, and the validation of `src/wizard/csr-wizard.ts` as the user types.
 */
import * as vscode from 'vscode';
import { DEFAULT_KEY_TYPE, type CsrSubject, type KeyType } from '@acmapi/core';
import type { Localize } from '../l10n/localize.js';
import {
  CSR_WIZARD_STEPS,
  defaultOutputFolder,
  keyTypeChoices,
  normalisationNote,
  parseSubjectInput,
  stepNumber,
  stepTitle,
  validateDomainsInput,
  validateOutputFolder,
  type CsrWizardResult,
  type StepValidation,
} from '../wizard/csr-wizard.js';

type StepAnswer<T> = { kind: 'value'; value: T; text: string } | { kind: 'back' } | { kind: 'cancel' };

interface InputStep<T> {
  title: string;
  step: number;
  value: string;
  prompt: string;
  placeholder: string;
  validate: (text: string) => StepValidation<T>;
  /** Shown as information (it does not block Enter) when the value is valid, e.g. the normalised domains. */
  note?: (value: T, text: string) => string | undefined;
}

function askInput<T>(options: InputStep<T>): Promise<StepAnswer<T>> {
  const input = vscode.window.createInputBox();
  input.title = options.title;
  input.step = options.step;
  input.totalSteps = CSR_WIZARD_STEPS.length;
  input.value = options.value;
  input.prompt = options.prompt;
  input.placeholder = options.placeholder;
  input.ignoreFocusOut = true;
  input.buttons = options.step > 1 ? [vscode.QuickInputButtons.Back] : [];
  return new Promise((resolve) => {
    let settled = false;
    const finish = (answer: StepAnswer<T>): void => {
      if (settled) return;
      settled = true;
      resolve(answer);
      input.hide();
    };
    const check = (text: string): StepValidation<T> => {
      const verdict = options.validate(text);
      const note = verdict.ok ? options.note?.(verdict.value, text) : undefined;
      input.validationMessage = !verdict.ok ? verdict.message : note === undefined ? undefined : { message: note, severity: vscode.InputBoxValidationSeverity.Info };
      return verdict;
    };
    input.onDidChangeValue(check);
    input.onDidAccept(() => {
      const verdict = check(input.value);
      if (verdict.ok) finish({ kind: 'value', value: verdict.value, text: input.value });
    });
    input.onDidTriggerButton((button) => {
      if (button === vscode.QuickInputButtons.Back) finish({ kind: 'back' });
    });
    input.onDidHide(() => {
      finish({ kind: 'cancel' });
      input.dispose();
    });
    // A value given back (Back, or a certificate's domains) shows its verdict and note at once.
    if (options.value !== '') check(options.value);
    input.show();
  });
}

function askKeyType(t: Localize, current: KeyType): Promise<StepAnswer<KeyType>> {
  type Item = vscode.QuickPickItem & { keyType: KeyType };
  const pick = vscode.window.createQuickPick<Item>();
  pick.title = stepTitle('keyType', t);
  pick.step = stepNumber('keyType');
  pick.totalSteps = CSR_WIZARD_STEPS.length;
  pick.placeholder = t('Key type of the new private key');
  pick.ignoreFocusOut = true;
  pick.buttons = [vscode.QuickInputButtons.Back];
  pick.items = keyTypeChoices(t).map((choice) => ({ label: choice.label, description: choice.description, keyType: choice.keyType }));
  const active = pick.items.find((item) => item.keyType === current);
  if (active !== undefined) pick.activeItems = [active];
  return new Promise((resolve) => {
    let settled = false;
    const finish = (answer: StepAnswer<KeyType>): void => {
      if (settled) return;
      settled = true;
      resolve(answer);
      pick.hide();
    };
    pick.onDidAccept(() => {
      const chosen = pick.selectedItems[0] ?? pick.activeItems[0];
      if (chosen !== undefined) finish({ kind: 'value', value: chosen.keyType, text: chosen.label });
    });
    pick.onDidTriggerButton((button) => {
      if (button === vscode.QuickInputButtons.Back) finish({ kind: 'back' });
    });
    pick.onDidHide(() => {
      finish({ kind: 'cancel' });
      pick.dispose();
    });
    pick.show();
  });
}

/**
 * Runs the wizard: domains → key type → subject (optional) → output folder, with Back.
 *
 * @param initialDomains - domains to start with (e.g. from a certificate node).
 * @returns what was chosen, or `undefined` when the user cancelled.
 */
export async function runCsrWizard(t: Localize, workspaceDir: string, initialDomains: readonly string[] = []): Promise<CsrWizardResult | undefined> {
  let domainsText = initialDomains.join(', ');
  let domains: string[] = [];
  let keyType: KeyType = DEFAULT_KEY_TYPE;
  let subjectText = '';
  let subject: CsrSubject | undefined;
  let index = 0;
  for (;;) {
    const step = CSR_WIZARD_STEPS[index];
    let answer: StepAnswer<unknown> = { kind: 'cancel' };
    switch (step) {
      case undefined:
        return undefined;
      case 'domains': {
        const result = await askInput({
          title: stepTitle('domains', t),
          step: stepNumber('domains'),
          value: domainsText,
          prompt: t('Domains of the certificate, separated by commas: at most 5, no wildcards.'),
          placeholder: 'example.com, www.example.com',
          validate: (text) => validateDomainsInput(text, t),
          note: (value, text) => normalisationNote(text, value, t),
        });
        if (result.kind === 'value') {
          domains = result.value;
          domainsText = domains.join(', ');
        }
        answer = result;
        break;
      }
      case 'keyType': {
        const result = await askKeyType(t, keyType);
        if (result.kind === 'value') keyType = result.value;
        answer = result;
        break;
      }
      case 'subject': {
        const result = await askInput({
          title: stepTitle('subject', t),
          step: stepNumber('subject'),
          value: subjectText,
          prompt: t('Optional subject fields, e.g. O=Example Ltd, C=CN. Leave empty to skip.'),
          placeholder: 'O=Example Ltd, C=CN, ST=Beijing',
          validate: (text) => parseSubjectInput(text, t),
        });
        if (result.kind === 'value') {
          subject = result.value;
          subjectText = result.text;
        }
        answer = result;
        break;
      }
      case 'outputFolder': {
        const result = await askInput({
          title: stepTitle('outputFolder', t),
          step: stepNumber('outputFolder'),
          value: defaultOutputFolder(domains),
          prompt: t('Folder for privkey.pem and csr.pem, relative to the workspace.'),
          placeholder: defaultOutputFolder(domains),
          validate: (text) => validateOutputFolder(text, workspaceDir, t),
        });
        if (result.kind === 'value') return { domains, keyType, subject, outputFolder: result.value };
        answer = result;
        break;
      }
    }
    if (answer.kind === 'cancel') return undefined;
    if (answer.kind === 'back') index = Math.max(0, index - 1);
    else index += 1;
  }
}
