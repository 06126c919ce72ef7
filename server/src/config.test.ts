import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, loadConfig, redactedConfig } from './config.js';

test('with no environment at all, the embedded default is complete', () => {
  const config = loadConfig({}, '/srv/salon');
  assert.equal(config.host, '127.0.0.1');
  assert.equal(config.port, 8080);
  assert.equal(config.publicUrl, 'http://127.0.0.1:8080');
  assert.deepEqual(config.database, { kind: 'sqlite', file: '/srv/salon/data/salon.db' });
  assert.equal(config.redisUrl, null);
  assert.equal(config.cookieSecure, false);
  assert.equal(config.hostMinFollowers, 600);
  assert.equal(config.maxStage, 11);
});

test('every problem is listed in one error', () => {
  const error = (() => {
    try {
      loadConfig({
        PORT: 'eighty',
        DATABASE_URL: 'mysql://x',
        REDIS_URL: 'http://r',
        LOG_LEVEL: 'loud',
        TRUST_PROXY: 'maybe',
        PUBLIC_URL: 'ftp://x',
      });
    } catch (e) {
      return e;
    }
    return null;
  })();
  assert.ok(error instanceof ConfigError);
  assert.equal(error.problems.length, 6);
  for (const name of [
    'PORT',
    'DATABASE_URL',
    'REDIS_URL',
    'LOG_LEVEL',
    'TRUST_PROXY',
    'PUBLIC_URL',
  ]) {
    assert.ok(error.message.includes(name), `${name} is named`);
  }
});

test('PostgreSQL and https are recognised, and credentials never reach the logs', () => {
  const config = loadConfig({
    DATABASE_URL: 'postgres://salon:s3cret@db:5432/salon',
    REDIS_URL: 'redis://:hunter2@cache:6379',
    PUBLIC_URL: 'https://spaces.example.org/',
    MEDIA: 'external',
    JANUS_URL: 'ws://janus:8188',
    JANUS_API_SECRET: 'janus-s3cret',
    TURN_SERVER: 'turn.example.org:3478',
    TURN_PASSWORD: 'turn-s3cret',
    TURN_SECRET: 'coturn-s3cret',
  });
  assert.equal(config.database.kind, 'postgres');
  assert.equal(config.publicUrl, 'https://spaces.example.org');
  assert.equal(config.cookieSecure, true);
  const logged = JSON.stringify(redactedConfig(config));
  for (const secret of ['s3cret', 'hunter2']) assert.ok(!logged.includes(secret), logged);
});

test('several external Janus nodes are listed in JANUS_URL, each checked', () => {
  const config = loadConfig({ MEDIA: 'external', JANUS_URL: 'ws://a:8188, wss://b:8989/janus' });
  assert.deepEqual(config.media.janusUrls, ['ws://a:8188', 'wss://b:8989/janus']);
  for (const [url, problem] of [
    ['', /MEDIA=external needs JANUS_URL/],
    [
      'ws://a:8188,http://b:8188',
      /JANUS_URL must list ws:\/\/ or wss:\/\/ URLs \(got "http:\/\/b:8188"\)/,
    ],
    ['ws://a:8188,ws://a:8188', /JANUS_URL lists a node twice/],
  ] as const) {
    assert.throws(
      () => loadConfig({ MEDIA: 'external', JANUS_URL: url }),
      (error) => error instanceof ConfigError && problem.test(error.message),
      url,
    );
  }
  assert.equal(config.media.failoverMs, 10_000, 'a node away 10 s loses its spaces by default');
  assert.equal(
    loadConfig({ MEDIA: 'external', JANUS_URL: 'ws://a:8188', MEDIA_FAILOVER_SECONDS: '30' }).media
      .failoverMs,
    30_000,
  );
  assert.throws(
    () =>
      loadConfig({ MEDIA: 'external', JANUS_URL: 'ws://a:8188', MEDIA_FAILOVER_SECONDS: 'soon' }),
    (error) =>
      error instanceof ConfigError &&
      /MEDIA_FAILOVER_SECONDS must be a whole number from 0 to 3600 \(got "soon"\)/.test(
        error.message,
      ),
  );
});

test("JANUS_LIBSRTP_DIR: auto by default, 'system', or a folder that holds libsrtp2.so.1", () => {
  assert.equal(loadConfig({}).media.janusLibsrtp, 'auto');
  assert.equal(loadConfig({ JANUS_LIBSRTP_DIR: 'system' }).media.janusLibsrtp, 'system');
  assert.throws(
    () => loadConfig({ JANUS_LIBSRTP_DIR: '/nonexistent/libsrtp' }),
    (error) => error instanceof ConfigError && /JANUS_LIBSRTP_DIR must be/.test(error.message),
  );
});
