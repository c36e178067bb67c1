/**
 * Column widths of text as a monospace editor draws it: East Asian Wide and Fullwidth
 * characters (Unicode UAX #11, e.g. 主体, 颁发者) take two columns, combining marks and format
 * characters none, the rest one. Padding by `String.length` misaligns a table as soon as a
 * label is Chinese (issue 12), so the details document pads by this width.
 */
import { eastAsianWidth } from 'get-east-asian-width';

const ZERO_WIDTH = /^[\p{Mn}\p{Me}\p{Cf}]$/u;

/** The number of columns `text` takes in a monospace font. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const char of text) {
    const codePoint = char.codePointAt(0) ?? 0;
    if (codePoint < 0x20 || ZERO_WIDTH.test(char)) continue;
    width += eastAsianWidth(codePoint, { ambiguousAsWide: false });
  }
  return width;
}

/** `text` followed by spaces up to `width` columns (unchanged when already wider). */
export function padToWidth(text: string, width: number): string {
  return `${text}${' '.repeat(Math.max(0, width - displayWidth(text)))}`;
}
