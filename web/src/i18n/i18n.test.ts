import { describe, expect, it } from 'vitest';
import { errorText, i18n, LANGUAGES } from './index';

describe('i18n', () => {
  it('has the same keys in every language, for every namespace', () => {
    const keys = (tree: unknown, prefix = ''): string[] =>
      tree && typeof tree === 'object'
        ? Object.entries(tree).flatMap(([k, v]) => keys(v, `${prefix}${k}.`))
        : [prefix.slice(0, -1)];
    const plain = (key: string) => key.replace(/_(zero|one|two|few|many|other)$/, '');
    const english = i18n.options.resources?.['en'] ?? {};
    for (const language of LANGUAGES) {
      const bundle = i18n.options.resources?.[language] ?? {};
      expect(Object.keys(bundle).sort()).toEqual(Object.keys(english).sort());
      for (const namespace of Object.keys(english)) {
        const want = new Set(keys(english[namespace]).map(plain));
        const have = new Set(keys(bundle[namespace]).map(plain));
        expect(
          [...want].filter((k) => !have.has(k)),
          `${language}/${namespace} lacks`,
        ).toEqual([]);
      }
    }
  });

  it('falls back to the server message for a code it does not know', () => {
    expect(errorText({ code: 'no_such_code_here', message: 'As the server said.' })).toBe(
      'As the server said.',
    );
  });
});
