/**
 * Examples shown after each command's `--help` (commander's `addHelpText('after')`) and in the
 * man page, by the command's words after `acmapi` (`''` for the program itself).
 * `help-examples.test.ts` checks that every command has some and that each one parses.
 */
export const HELP_EXAMPLES: Readonly<Record<string, readonly string[]>> = {
  '': ['acmapi demo', 'acmapi issue -d example.com -d www.example.com --signfile ./signfile --webroot /var/www/html', 'acmapi renew --all', 'acmapi help issue'],
  issue: [
    'acmapi issue -d example.com -d www.example.com --signfile ./signfile --webroot /var/www/html --out /etc/acmapi --wait 10m',
    'acmapi issue shop --config ./acmapi.json',
    'acmapi issue -d example.com --signfile ./signfile --standalone --port 80 --key-type rsa-2048',
    'acmapi issue -d example.com --csr ./example.csr --key ./example.key --signfile ./signfile --webroot /var/www/html',
    'acmapi issue -d example.com --signfile ./signfile --webroot /var/www/html --install-fullchain /etc/nginx/tls/example.pem --install-key /etc/nginx/tls/example.key --deploy-hook "systemctl reload nginx"',
  ],
  renew: ['acmapi renew --all --out /etc/acmapi', 'acmapi renew shop blog --wait 5m', 'acmapi renew --all --dry-run --json', 'acmapi renew --all --quiet --metrics-file /var/lib/node_exporter/textfile/acmapi.prom'],
  retrieve: ['acmapi retrieve HANDLE --out /etc/acmapi', 'acmapi retrieve HANDLE --name example.com --json'],
  schedule: ['acmapi schedule install --out /etc/acmapi', 'acmapi schedule show', 'acmapi schedule remove'],
  'schedule install': ['acmapi schedule install --out /etc/acmapi', 'acmapi schedule install --cron --dry-run', 'acmapi schedule install --config /etc/acmapi/acmapi.json -- --quiet'],
  'schedule show': ['acmapi schedule show', 'acmapi schedule show --json'],
  'schedule remove': ['acmapi schedule remove'],
  list: ['acmapi list', 'acmapi list --out /etc/acmapi --json'],
  show: ['acmapi show example.com', 'acmapi show shop --config ./acmapi.json --json'],
  delete: ['acmapi delete example.com', 'acmapi delete example.com --out /etc/acmapi --yes'],
  check: ['acmapi check -d example.com -d www.example.com --signfile ./signfile', 'acmapi check -d example.com --signfile ./signfile --resolve example.com:192.0.2.10 --json'],
  matrix: ['acmapi matrix', 'acmapi matrix --config ./acmapi.json --certificates shop,blog'],
  sandbox: ['acmapi sandbox', 'acmapi sandbox --port 14000 --http-port 5002', 'acmapi sandbox --config ./sandbox.json --show-admin-token'],
  demo: ['acmapi demo', 'acmapi demo --out /tmp/acmapi-demo --json'],
  completion: [
    'source <(acmapi completion bash)',
    'acmapi completion bash > /etc/bash_completion.d/acmapi',
    'acmapi completion zsh > "${fpath[1]}/_acmapi"',
    'acmapi completion fish > ~/.config/fish/completions/acmapi.fish',
  ],
};

/** The text commander's `addHelpText('after')` shows after a command's help (it adds the last newline), or `''` when it has no examples. */
export function examplesHelpText(path: string): string {
  const examples = HELP_EXAMPLES[path] ?? [];
  return examples.length === 0 ? '' : `\nExamples:\n${examples.map((line) => `  $ ${line}`).join('\n')}`;
}
