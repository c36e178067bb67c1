// Schema checks of GitHub action metadata for the repository's tests.
import { validateAction } from '@action-validator/core';

/**
 * The errors of an action.yml against SchemaStore's schema of GitHub's action metadata, through
 * action-validator (names, inputs, outputs, runs, the branding icon and colour from GitHub's
 * lists). That schema predates `using: node24`, so it is shown node20 in its place; the tests
 * check `using` themselves.
 * @param {string} text an action.yml
 * @returns {object[]} [] when valid
 */
export function actionSchemaErrors(text) {
  return validateAction(text.replace(/^( {2}using: )node24$/m, '$1node20')).errors;
}
