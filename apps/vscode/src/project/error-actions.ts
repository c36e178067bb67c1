/**
 * The fixing action each error offers as a button (issue 12: "no error offers the action that
 * fixes it"): Set Auth Token, Open Setting, Check Signfile, Open acmapi.json, Retrieve
 * Pending, and always Show Output. Chosen from the error's stable `code` and its facts
 * (`domain`, `option`), never from its text. Pure: the edge runs the commands.
 */
import type { Localize } from '../l10n/localize.js';

/** One button under an error. */
export type FixAction =
  | { readonly kind: 'set-auth-token' }
  | { readonly kind: 'open-setting'; readonly setting: string }
  | { readonly kind: 'check-signfile'; readonly domain?: string }
  | { readonly kind: 'open-config' }
  | { readonly kind: 'create-config' }
  | { readonly kind: 'retrieve-pending'; readonly certificate?: string }
  | { readonly kind: 'show-output' };

interface ErrorShape {
  readonly code?: unknown;
  readonly domain?: unknown;
  readonly option?: unknown;
  readonly certificate?: unknown;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * The buttons for `error`, the most useful first, at most three (a notification shows three);
 * the last is always "Show Output".
 */
export function fixActionsFor(error: unknown): FixAction[] {
  const facts: ErrorShape = typeof error === 'object' && error !== null ? error : {};
  const code = text(facts.code) ?? '';
  const domain = text(facts.domain);
  const certificate = text(facts.certificate);
  const actions: FixAction[] = [];
  if (code === 'CA_AUTH_TOKEN_REJECTED' || code === 'AUTH_TOKEN_MISSING') actions.push({ kind: 'set-auth-token' });
  else if (code === 'TRANSPORT_TLS' || code === 'CA_FILE_UNREADABLE') actions.push({ kind: 'open-setting', setting: 'acmapi.caFile' });
  else if (code === 'CA_DOMAIN_VERIFY_FAILED') actions.push(domain === undefined ? { kind: 'check-signfile' } : { kind: 'check-signfile', domain });
  else if (code === 'PREFLIGHT_FAILED') actions.push({ kind: 'check-signfile' }, { kind: 'open-setting', setting: 'acmapi.preflight.mode' });
  else if (code === 'OPTIONS_INVALID' && facts.option === 'resolve') actions.push({ kind: 'open-setting', setting: 'acmapi.preflight.resolve' });
  else if (code === 'OPTIONS_INVALID' && facts.option === 'signfile') actions.push({ kind: 'open-config' }, { kind: 'open-setting', setting: 'acmapi.preflight.mode' });
  else if (code === 'CONFIG_NOT_FOUND') actions.push({ kind: 'create-config' });
  else if (code === 'STORE_PENDING_EXISTS' || code === 'PROTOCOL_CONTRADICTION' || code === 'PROTOCOL_BAD_CERTIFICATE') actions.push(certificate === undefined ? { kind: 'retrieve-pending' } : { kind: 'retrieve-pending', certificate });
  else if (/^(CA_CUSTOMER_ID_REJECTED|CA_REQ_TYPE_REJECTED|CA_HANDLE_REJECTED|CUSTOMER_ID_MISSING|CONFIG_|TRANSPORT_(DNS|REFUSED|TIMEOUT|FAILED)|DOMAIN_|CA_DOMAIN_(FORMAT|COUNT)|KEY_|CSR_|CA_CSR_|STORE_NAME_INVALID)/.test(code)) {
    actions.push({ kind: 'open-config' });
  }
  actions.push({ kind: 'show-output' });
  return actions;
}

/** The button's words. */
export function fixActionTitle(action: FixAction, t: Localize): string {
  switch (action.kind) {
    case 'set-auth-token':
      return t('Set Auth Token');
    case 'open-setting':
      return t('Open Setting');
    case 'check-signfile':
      return t('Check Signfile');
    case 'open-config':
      return t('Open acmapi.json');
    case 'create-config':
      return t('Create acmapi.json');
    case 'retrieve-pending':
      return t('Retrieve Pending');
    case 'show-output':
      return t('Show Output');
  }
}
