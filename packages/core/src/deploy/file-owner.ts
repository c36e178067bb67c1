/**
 * `USER[:GROUP]` → numeric ids, for the owner of install targets (issue 10).
 *
 * Node has no getpwnam(3). Names are looked up in `/etc/passwd` and `/etc/group` first
 * (no process to start, and it is where local service accounts such as `www-data` or the
 * group `ssl-cert` live), then with `getent passwd|group NAME`, which asks the system's name
 * service switch (LDAP, sssd, systemd's dynamic users) where it is installed. Numeric ids are
 * taken as they are, as chown(1) does.
 */
import { readFile } from 'node:fs/promises';
import { DeployError, OptionsError } from '../errors/errors.js';

/** Numeric ids to give a file; an absent field is left as the file has it. */
export interface FileOwner {
  /** User id. */
  readonly uid?: number;
  /** Group id. */
  readonly gid?: number;
}

/** A parsed `USER[:GROUP]`: each part a name, a number, or absent. */
export interface OwnerSpec {
  /** The user, by name or number; `undefined` for `:GROUP`. */
  readonly user: string | undefined;
  /** The group, by name or number; `undefined` for `USER` and `USER:`. */
  readonly group: string | undefined;
  /** `USER:` (colon, no group): the user's login group, as chown(1) reads it. */
  readonly loginGroup: boolean;
}

// POSIX portable user names plus what useradd accepts in practice ('$' for machine accounts).
const NAME = /^(?:[A-Za-z_][A-Za-z0-9_.-]*\$?|\d+)$/;
const MAX_ID = 0xfffffffe; // (uid_t)-1 means "leave unchanged" to chown(2)

/**
 * Parses `USER`, `USER:GROUP`, `:GROUP` or `USER:` (the user's login group), as chown(1).
 * Pure; no lookup.
 *
 * @throws {OptionsError} `OPTIONS_INVALID` (option `install.owner`) for anything else.
 */
export function parseOwner(owner: string): OwnerSpec {
  const parts = owner.split(':');
  const [user = '', group] = parts;
  const valid =
    parts.length <= 2 &&
    (user === '' || NAME.test(user)) &&
    (group === undefined || group === '' || NAME.test(group)) &&
    !(user === '' && (group === undefined || group === '')) &&
    [user, group ?? ''].every((part) => !/^\d+$/.test(part) || Number(part) <= MAX_ID);
  if (!valid) {
    throw new OptionsError(`The owner "${owner.replace(/[^\x20-\x7e]/g, '?')}" is not USER, USER:GROUP or :GROUP (names or numeric ids).`, {
      option: 'install.owner',
      hint: 'Give a user, a user and a group separated by a colon, or a colon and a group; names or numeric ids.',
    });
  }
  return { user: user === '' ? undefined : user, group: group === '' ? undefined : group, loginGroup: group === '' && user !== '' };
}

/** One entry of /etc/passwd or /etc/group: [name, password, id, (gid of passwd)…]. */
async function lookupInFile(file: string, name: string): Promise<string[] | undefined> {
  const text = await readFile(file, 'utf8').catch(() => '');
  for (const line of text.split('\n')) {
    const fields = line.split(':');
    if (fields[0] === name && fields.length >= 3) return fields;
  }
  return undefined;
}

/** `getent DATABASE NAME`'s fields, or `undefined` (not found, or no getent here). */
async function lookupWithGetent(database: 'passwd' | 'group', name: string): Promise<string[] | undefined> {
  // Loaded here, not at the top: only a name given as owner needs it (issue 9's start-up budget).
  const { execFile } = await import('node:child_process');
  return new Promise((resolve) => {
    execFile('getent', [database, name], { timeout: 10_000, encoding: 'utf8' }, (error, stdout) => {
      const fields = stdout.split('\n')[0]?.split(':');
      resolve(error === null && fields?.[0] === name && fields.length >= 3 ? fields : undefined);
    });
  });
}

async function lookup(database: 'passwd' | 'group', name: string): Promise<string[] | undefined> {
  return (await lookupInFile(`/etc/${database}`, name)) ?? (await lookupWithGetent(database, name));
}

function unknown(kind: 'user' | 'group', name: string): DeployError {
  return new DeployError('DEPLOY_OWNER_UNKNOWN', `The ${kind} "${name}" is not known on this system.`, {
    hint: `Create the ${kind}, or give its numeric id.`,
  });
}

/**
 * Resolves `USER[:GROUP]` (see {@link parseOwner}) to numeric ids.
 *
 * @throws {OptionsError} `OPTIONS_INVALID` for a malformed owner.
 * @throws {DeployError} `DEPLOY_OWNER_UNKNOWN` for a name found neither in /etc/passwd
 *   (/etc/group) nor by getent.
 */
export async function resolveOwner(owner: string): Promise<FileOwner> {
  const spec = parseOwner(owner);
  let uid: number | undefined;
  let gid: number | undefined;
  if (spec.user !== undefined) {
    if (/^\d+$/.test(spec.user)) {
      uid = Number(spec.user);
      if (spec.loginGroup) {
        // A number names no entry to read the login group from (several names may share it).
        throw new OptionsError(`The owner "${owner}" names a numeric user without a group; its login group cannot be looked up.`, {
          option: 'install.owner',
          hint: 'Give the group as well (USER:GROUP).',
        });
      }
    } else {
      const entry = await lookup('passwd', spec.user);
      if (entry === undefined) throw unknown('user', spec.user);
      uid = Number(entry[2]);
      if (spec.loginGroup) gid = Number(entry[3]);
    }
  }
  if (spec.group !== undefined) {
    if (/^\d+$/.test(spec.group)) gid = Number(spec.group);
    else {
      const entry = await lookup('group', spec.group);
      if (entry === undefined) throw unknown('group', spec.group);
      gid = Number(entry[2]);
    }
  }
  if ((uid !== undefined && !Number.isInteger(uid)) || (gid !== undefined && !Number.isInteger(gid))) {
    throw new DeployError('DEPLOY_OWNER_UNKNOWN', `The user database has no usable numeric id for "${owner}".`, { hint: 'Give numeric ids.' });
  }
  return { ...(uid === undefined ? {} : { uid }), ...(gid === undefined ? {} : { gid }) };
}
