/**
 * The defaults of the project file `acmapi.json`, apart from its schema (config-schema.ts)
 * so that a module that needs only a default does not load zod with the schema.
 */

/** The endpoint used when the project file names none (spec §1). */
export const DEFAULT_ENDPOINT = 'https://acmapi.wosign.com/';
/** The signfile's name when none is given (spec §1). */
export const DEFAULT_SIGNFILE_NAME = 'signfile';
/** The store folder, relative to the project file, when none is given. */
export const DEFAULT_STORE_DIR = 'certs';
