/** The real services of {@link run}: the runner (`@actions/core`), the CA client, GitHub. Edge module. */
import * as core from '@actions/core';
import type { ActionServices } from './run.js';

/** Builds the services of a real run. */
export function actionServices(): ActionServices {
  return {
    core: {
      getInput: (name) => core.getInput(name),
      setOutput: (name, value) => {
        core.setOutput(name, value);
      },
      setSecret: (value) => {
        core.setSecret(value);
      },
      setFailed: (message) => {
        core.setFailed(message);
      },
      info: (message) => {
        core.info(message);
      },
      warning: (message, title) => {
        core.warning(message, title === undefined ? {} : { title });
      },
      error: (message, title) => {
        core.error(message, title === undefined ? {} : { title });
      },
      writeSummary: async (markdown) => {
        if (process.env['GITHUB_STEP_SUMMARY'] === undefined) return;
        await core.summary.addRaw(markdown).write();
      },
    },
    env: process.env,
    // Each loaded only when needed: they are most of the bundle, and a cold start must stay fast.
    createClient: async (options) => (await import('./ca-client.js')).createCaClient(options),
    signfileNetwork: {},
    uploadArtifact: async (input) => (await import('./artifact.js')).uploadArtifact(input, { env: process.env }),
    gitDataApi: async (options) => (await import('./commit/github-git.js')).githubGitDataApi({ ...options, apiUrl: process.env['GITHUB_API_URL'] }),
    now: () => new Date(),
  };
}
