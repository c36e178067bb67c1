// The Action's entry point (action.yml `runs.main` runs the bundle of this file).
import { run } from './run.js';
import { actionServices } from './services.js';

await run(actionServices());
