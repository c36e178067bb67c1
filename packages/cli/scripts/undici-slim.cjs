'use strict';
/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS that esbuild bundles: its require() calls are the point. */
// What the acmapi bundle takes from undici in place of undici's root module (index.js), which
// loads fetch, WebSocket, EventSource, the cache API and cookies (and through them Node's own
// copy of undici) before it exports anything: about a third of the CPU of one `acmapi issue`
// went there. Each export is the very object undici's root exports (the same files, loaded
// the same way), so nothing here is reimplemented. scripts/bundle-bin.mjs loads this file
// from undici's folder (so './lib/…' are undici's files) and fails the build when core
// imports a name that is missing here; test/undici-slim.test.ts checks the identity.
const Dispatcher = require('./lib/dispatcher/dispatcher');

// As undici's index.js does: request(), stream()… become methods of every dispatcher.
Object.assign(Dispatcher.prototype, require('./lib/api'));

module.exports.Dispatcher = Dispatcher;
module.exports.Client = require('./lib/dispatcher/client');
module.exports.Agent = require('./lib/dispatcher/agent');
module.exports.Pool = require('./lib/dispatcher/pool');
module.exports.EnvHttpProxyAgent = require('./lib/dispatcher/env-http-proxy-agent');
module.exports.buildConnector = require('./lib/core/connect');
module.exports.interceptors = { redirect: require('./lib/interceptor/redirect') };
