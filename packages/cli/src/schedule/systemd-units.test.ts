import { describe, expect, it } from 'vitest';
import { renewInvocation } from './renew-invocation.js';
import { checkUserName, execStartLine, quoteExecArgument, quoteExecutable, renderServiceUnit, renderTimerUnit } from './systemd-units.js';

describe('quoteExecArgument', () => {
  it.each([
    ['plain', '"plain"'],
    ['with space', '"with space"'],
    ['100%', '"100%%"'],
    ['%h%n', '"%%h%%n"'],
    ['$HOME ${X}', '"$$HOME $${X}"'],
    ['a"b', '"a\\"b"'],
    ['a\\b', '"a\\\\b"'],
    ["it's", `"it's"`],
  ])('%j → %s', (arg, quoted) => {
    expect(quoteExecArgument(arg)).toBe(quoted);
  });

  it('refuses a newline, which would end the ExecStart= line', () => {
    expect(() => quoteExecArgument('a\nExecStartPost=/bin/rm')).toThrow(/control character/);
  });
});

describe('quoteExecutable', () => {
  it('doubles % but not $ (systemd substitutes no variable in the executable)', () => {
    expect(quoteExecutable('/opt/a b/%n/$x/node')).toBe('"/opt/a b/%%n/$x/node"');
  });

  it.each(['node', '/opt/a"b/node', "/opt/a'b/node", '/opt/a\\b/node'])('refuses %j', (path) => {
    expect(() => quoteExecutable(path)).toThrow();
  });
});

describe('renewInvocation', () => {
  it('runs renew --quiet with the store and project file, then the extra arguments', () => {
    const invocation = renewInvocation({ node: '/usr/bin/node', acmapi: '/usr/bin/acmapi', out: '/etc/acmapi', config: '/etc/acmapi/acmapi.json', extra: ['--concurrency', '8'] });
    expect(invocation.args).toEqual(['renew', '--quiet', '--out', '/etc/acmapi', '--config', '/etc/acmapi/acmapi.json', '--concurrency', '8']);
    expect(execStartLine(invocation)).toBe('"/usr/bin/node" "/usr/bin/acmapi" "renew" "--quiet" "--out" "/etc/acmapi" "--config" "/etc/acmapi/acmapi.json" "--concurrency" "8"');
  });

  it.each([['--auth-token', 'secret'], ['--auth-token=secret']])('refuses the auth token on the command line (%j)', (...extra) => {
    expect(() => renewInvocation({ node: '/usr/bin/node', acmapi: '/usr/bin/acmapi', extra })).toThrow(/auth token cannot be put into a schedule/);
  });

  it('refuses relative paths: a timer starts in /', () => {
    expect(() => renewInvocation({ node: '/usr/bin/node', acmapi: '/usr/bin/acmapi', out: 'certs' })).toThrow(/not an absolute path/);
    expect(() => renewInvocation({ node: 'node', acmapi: '/usr/bin/acmapi' })).toThrow(/not an absolute path/);
  });
});

describe('renderServiceUnit', () => {
  const invocation = renewInvocation({ node: '/usr/bin/node', acmapi: '/usr/bin/acmapi', out: '/etc/acmapi' });

  it('is a oneshot service that reads the credentials from an EnvironmentFile, never from its command line', () => {
    const unit = renderServiceUnit({ invocation, environmentFile: '/etc/acmapi/100% secret.env', user: 'acmapi' });
    expect(unit).toMatch(/^Type=oneshot$/m);
    expect(unit).toMatch(/^EnvironmentFile=\/etc\/acmapi\/100%% secret\.env$/m);
    expect(unit).toMatch(/^User=acmapi$/m);
    expect(unit).not.toMatch(/auth-token/);
  });

  it('keeps the file system writable (store, webroot, install targets anywhere)', () => {
    const unit = renderServiceUnit({ invocation });
    expect(unit).not.toMatch(/^(ProtectSystem|ProtectHome|ReadOnlyPaths|InaccessiblePaths|NoNewPrivileges|CapabilityBoundingSet)=/m);
    expect(unit).not.toMatch(/^(User|EnvironmentFile)=/m);
  });
});

describe('renderTimerUnit', () => {
  it("runs twice a day with up to 12 hours' random delay and catches up after downtime, as Debian's certbot.timer", () => {
    const timer = renderTimerUnit();
    expect(timer).toMatch(/^OnCalendar=\*-\*-\* 00,12:00:00$/m);
    expect(timer).toMatch(/^RandomizedDelaySec=43200$/m);
    expect(timer).toMatch(/^Persistent=true$/m);
    expect(timer).toMatch(/^WantedBy=timers\.target$/m);
  });
});

describe('checkUserName', () => {
  it.each(['root', 'acmapi', 'www-data', 'svc_1', 'host$'])('takes %j', (user) => {
    expect(checkUserName(user)).toBe(user);
  });
  it.each(['', '-x', 'a b', 'a\nb', 'a%b', 'a'.repeat(40)])('refuses %j', (user) => {
    expect(() => checkUserName(user)).toThrow(/not a user name/);
  });
});
