// Issue 12's certificate view and pending tracking, end to end, in English.
import { defineViewPendingSuite } from './support/view-pending-suite.js';

defineViewPendingSuite('en');
