import { describe, expect, it } from 'vitest';
import { OptionsError } from '../errors/errors.js';
import { parseOwner, resolveOwner } from './file-owner.js';

describe('parseOwner', () => {
  it.each([
    ['www-data', { user: 'www-data', group: undefined, loginGroup: false }],
    ['root:ssl-cert', { user: 'root', group: 'ssl-cert', loginGroup: false }],
    [':ssl-cert', { user: undefined, group: 'ssl-cert', loginGroup: false }],
    ['nobody:', { user: 'nobody', group: undefined, loginGroup: true }],
    ['33:33', { user: '33', group: '33', loginGroup: false }],
  ])('reads %s as chown(1) does', (owner, expected) => {
    expect(parseOwner(owner)).toEqual(expected);
  });

  it.each(['', ':', 'a:b:c', 'bad name', '-x', 'a:b\n', '4294967295', 'root:../etc'])('rejects %j', (owner) => {
    expect(() => parseOwner(owner)).toThrow(OptionsError);
  });
});

describe('resolveOwner', () => {
  it('looks names up in /etc/passwd and /etc/group (Debian: root 0, nobody 65534, daemon 1)', async () => {
    expect(await resolveOwner('root:root')).toEqual({ uid: 0, gid: 0 });
    expect(await resolveOwner('nobody:')).toEqual({ uid: 65534, gid: 65534 });
    expect(await resolveOwner(':daemon')).toEqual({ gid: 1 });
    expect(await resolveOwner('nobody')).toEqual({ uid: 65534 });
  });

  it('takes numbers as they are, without a lookup', async () => {
    expect(await resolveOwner('4321:8765')).toEqual({ uid: 4321, gid: 8765 });
  });

  it('fails with DEPLOY_OWNER_UNKNOWN for a name the system does not know', async () => {
    await expect(resolveOwner('no-such-user-acmapi')).rejects.toMatchObject({ code: 'DEPLOY_OWNER_UNKNOWN' });
    await expect(resolveOwner(':no-such-group-acmapi')).rejects.toMatchObject({ code: 'DEPLOY_OWNER_UNKNOWN' });
  });
});
