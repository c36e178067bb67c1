/**
 * Text bound for the runner's log. Much of it comes from elsewhere (the CA's answers, web
 * servers met by the preflight, file names): it is data, not commands. The runner parses
 * every stdout line that starts with `::` as a workflow command, and a terminal obeys
 * escape sequences, so control characters are shown escaped and the length is capped.
 * (`@actions/core` escapes `%`, CR and LF inside annotations itself.)
 */

/** Longest message written, in characters. */
export const MAX_LOG_TEXT = 4000;

// C0 and C1 controls and DEL, without and with the line feed.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/g;
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_AND_LF = /[\u0000-\u001f\u007f-\u009f]/g;

function escape(character: string): string {
  return `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

function cap(text: string): string {
  return text.length > MAX_LOG_TEXT ? `${text.slice(0, MAX_LOG_TEXT)}… (${text.length - MAX_LOG_TEXT} more characters)` : text;
}

/** One log line: every control character (line breaks included) escaped, so no line of it can be read as a command. */
export function logLine(text: string): string {
  return cap(text.replace(CONTROL_AND_LF, escape));
}

/** An annotation's text: line feeds kept (the runner encodes them), every other control character escaped. */
export function annotationText(text: string): string {
  return cap(text.replace(CONTROL, escape));
}
