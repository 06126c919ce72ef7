import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { findLinks, Linkified } from './linkify';

describe('links in user text', () => {
  it('links http and https addresses, without the punctuation that ends a sentence', () => {
    expect(findLinks('See https://salon.example/a?b=1. And (http://x.example/p)!')).toEqual([
      'See ',
      { href: 'https://salon.example/a?b=1', label: 'https://salon.example/a?b=1' },
      '. And (',
      { href: 'http://x.example/p', label: 'http://x.example/p' },
      ')!',
    ]);
  });

  it('keeps a bracket that the address opened', () => {
    expect(findLinks('https://en.example/wiki/Salon_(gathering)')).toEqual([
      {
        href: 'https://en.example/wiki/Salon_(gathering)',
        label: 'https://en.example/wiki/Salon_(gathering)',
      },
    ]);
  });

  it('never links javascript:, data: or markup, and renders markup as text', () => {
    const hostile =
      'javascript:alert(1) data:text/html,<script>alert(1)</script> <a href="javascript:x">y</a> <img src=x onerror=alert(1)>';
    expect(findLinks(hostile)).toEqual([hostile]);
    const { container } = render(<p>{Linkified({ text: hostile })}</p>);
    expect(container.querySelectorAll('a, script, img')).toHaveLength(0);
    expect(container.textContent).toBe(hostile);
  });

  it('opens links in a new tab with rel="noopener nofollow ugc"', () => {
    render(<p>{Linkified({ text: 'go to https://salon.example now' })}</p>);
    const link = screen.getByRole('link', { name: 'https://salon.example' });
    expect(link.getAttribute('href')).toBe('https://salon.example/');
    expect(link.getAttribute('target')).toBe('_blank');
    expect(link.getAttribute('rel')).toBe('noopener nofollow ugc');
  });
});
