/** Uploads the certificates folder as a workflow artifact (edge module: the only one importing @actions/artifact). */
import { DefaultArtifactClient } from '@actions/artifact';
import type { UploadArtifactService } from './run.js';

/** The artifact upload over `@actions/artifact` (artifact service v2, ACTIONS_RESULTS_URL). */
export const uploadWithActionsArtifact: UploadArtifactService = async ({ name, files, rootDirectory, retentionDays }) => {
  const client = new DefaultArtifactClient();
  const result = await client.uploadArtifact(name, [...files], rootDirectory, retentionDays === undefined ? {} : { retentionDays });
  return result.id === undefined ? {} : { id: result.id };
};
