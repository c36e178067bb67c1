/** The GitHub Action's certificate repository: the published folder (see published-folder-repository.ts). */
export { PUBLISHED_FILES, PublishedFolderRepository } from './published-folder-repository.js';
export type { PublishedFolderOptions } from './published-folder-repository.js';
export { STATE_FILE, STATE_VERSION, StateError } from './published-state.js';
export type { PublishedApplication, PublishedError, PublishedRetiredApplication, PublishedState } from './published-state.js';
