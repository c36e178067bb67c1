/**
 * Writing API answers (spec §3), optionally with the source document's quirks so
 * that clients can be tested against each of them over the wire.
 */
import type { CaErrorStatus } from '@acmapi/core';

/** An answer of the API, as the tables of spec §3 define it. */
export type ApiAnswer =
  | { readonly result: 'success'; readonly status: 0; readonly handle_id: string; readonly certificate: string }
  | { readonly result: 'pending'; readonly status: 1; readonly handle_id: string }
  | { readonly result: 'error'; readonly status: CaErrorStatus; readonly other_msg?: string };

/** Which quirks of the source's examples to reproduce. */
export interface AnswerQuirks {
  /** Keys with a trailing space, string values with a leading space. */
  readonly paddedKeys: boolean;
  /** `status` as a numeric string. */
  readonly statusAsString: boolean;
}

/** An error answer for `status`, with `other_msg` for 107 (the domain). */
export function errorAnswer(status: CaErrorStatus, otherMsg?: string): ApiAnswer {
  return otherMsg === undefined ? { result: 'error', status } : { result: 'error', status, other_msg: otherMsg };
}

/** Serialises an answer as JSON text, applying the quirks. */
export function formatAnswer(answer: ApiAnswer, quirks: AnswerQuirks): string {
  const out: Record<string, string | number> = {};
  for (const [key, value] of Object.entries(answer) as [string, string | number][]) {
    let item: string | number = value;
    if (key === 'status' && quirks.statusAsString) item = String(value);
    if (quirks.paddedKeys && typeof item === 'string') item = ` ${item}`;
    out[quirks.paddedKeys ? `${key} ` : key] = item;
  }
  return JSON.stringify(out);
}
