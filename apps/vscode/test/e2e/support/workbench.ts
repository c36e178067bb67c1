// Driving the VS Code workbench in Chromium with playwright-core: the command palette, quick
// inputs, the acmapi view's rows, notifications and the status bar. Every wait is bounded.
import type { Locator, Page } from 'playwright-core';

/** Runs a command by its palette title, e.g. `acmapi: Create CSR`. */
export async function runCommand(page: Page, title: string): Promise<void> {
  const widget = page.locator('.quick-input-widget');
  await page.keyboard.press('Escape');
  await page.keyboard.press('F1');
  await widget.waitFor({ state: 'visible', timeout: 15_000 });
  const input = widget.locator('input.input');
  await input.fill(`>${title}`);
  await focusedRow(page, title, 15_000);
  await page.keyboard.press('Enter');
}

/**
 * Waits until the quick input's focused row, the one Enter accepts, shows `text`. Waiting for any
 * visible row with `text` is not enough: before the typed filter is applied (late under load),
 * the unfiltered list shows that row too while another one has the focus, and Enter takes that.
 */
export async function focusedRow(page: Page, text: string, timeoutMs = 10_000): Promise<void> {
  await page.locator('.quick-input-widget .monaco-list-row.focused', { hasText: text }).first().waitFor({ state: 'visible', timeout: timeoutMs });
}

/** Types `label` into the open quick pick and accepts the item it selects (e.g. a certificate). */
export async function pickItem(page: Page, label: string): Promise<void> {
  await quickInput(page);
  await page.keyboard.type(label);
  await focusedRow(page, label);
  await page.keyboard.press('Enter');
}

/** The quick input's text box once it is visible (and, when given, has `title` in its title bar). */
export async function quickInput(page: Page, title?: string): Promise<Locator> {
  const widget = page.locator('.quick-input-widget');
  await widget.waitFor({ state: 'visible', timeout: 15_000 });
  if (title !== undefined) await widget.locator('.quick-input-title', { hasText: title }).waitFor({ state: 'visible', timeout: 15_000 });
  return widget.locator('input.input');
}

/** Waits until a row of the acmapi view for `label` shows `text` in its description. */
export async function waitForRow(page: Page, label: string, text: string, timeoutMs = 30_000): Promise<Locator> {
  const row = page.locator(`.monaco-list-row[aria-label^="${label}, "][aria-label*="${text}"]`).first();
  await row.waitFor({ state: 'visible', timeout: timeoutMs });
  return row;
}

/** A notification toast containing `text`. */
export function notification(page: Page, text: string): Locator {
  return page.locator('.notification-toast', { hasText: text }).first();
}

/** Clears every notification, so the next screenshot shows what matters. */
export async function clearNotifications(page: Page): Promise<void> {
  await runCommand(page, 'Notifications: Clear All Notifications');
  await page.locator('.notification-toast').first().waitFor({ state: 'hidden', timeout: 10_000 });
}
