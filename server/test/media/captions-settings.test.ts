import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { test } from 'node:test';
import pino from 'pino';
import { createCaptionEngine, primaryLanguage } from '../../src/captions/engines/index.js';
import { readCaptionSettings } from '../../src/captions/engines/settings.js';
import { loadConfig } from '../../src/config.js';

// Which engine a node runs, from its settings (CAPTIONS_*).

const logger = pino({ level: 'silent' });

test('defaults: auto, no URL, 6 streams per core', () => {
  const problems: string[] = [];
  const s = readCaptionSettings({}, problems);
  assert.deepEqual(problems, []);
  assert.equal(s.engine, 'auto');
  assert.equal(s.url, undefined);
  assert.equal(s.maxStreams, 6 * availableParallelism());
});

test('bad values are named, as the rest of the configuration does', () => {
  const problems: string[] = [];
  readCaptionSettings(
    { CAPTIONS_ENGINE: 'vosk', CAPTIONS_URL: 'ftp://x', CAPTIONS_MAX_STREAMS: '-1' },
    problems,
  );
  assert.equal(problems.length, 3);
  assert.match(problems.join('\n'), /CAPTIONS_ENGINE.*vosk/);
  assert.match(problems.join('\n'), /CAPTIONS_URL/);
  assert.match(problems.join('\n'), /CAPTIONS_MAX_STREAMS/);
  const needsUrl: string[] = [];
  readCaptionSettings({ CAPTIONS_ENGINE: 'whisper-http' }, needsUrl);
  assert.match(needsUrl.join(), /needs CAPTIONS_URL/);
  assert.throws(() => loadConfig({ CAPTIONS_MAX_STREAMS: 'lots' }), /CAPTIONS_MAX_STREAMS/);
});

test('auto picks whisper-http with a URL, else pocketsphinx when installed; off is none', async () => {
  const withUrl = await createCaptionEngine(
    readCaptionSettings({ CAPTIONS_URL: 'http://127.0.0.1:9/', CAPTIONS_MODEL: 'small' }, []),
    logger,
  );
  assert.equal(withUrl?.name, 'whisper-http');
  await withUrl?.close();
  const embedded = await createCaptionEngine(readCaptionSettings({}, []), logger);
  assert.equal(embedded?.name, 'pocketsphinx');
  assert.deepEqual(embedded?.languages, ['en']);
  await embedded?.close();
  assert.equal(
    await createCaptionEngine(readCaptionSettings({ CAPTIONS_ENGINE: 'off' }, []), logger),
    null,
  );
});

test('language tags reduce to their primary subtag', () => {
  assert.equal(primaryLanguage('en-GB'), 'en');
  assert.equal(primaryLanguage('pt_BR'), 'pt');
  assert.equal(primaryLanguage('ZH-Hant'), 'zh');
});
