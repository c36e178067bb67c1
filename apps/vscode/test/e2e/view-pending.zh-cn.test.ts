// Issue 12's certificate view and pending tracking, end to end, with the display language zh-cn
// (the extension's own strings checked in Chinese; VS Code's menus stay English).
import { defineViewPendingSuite } from './support/view-pending-suite.js';

defineViewPendingSuite('zh-cn');
