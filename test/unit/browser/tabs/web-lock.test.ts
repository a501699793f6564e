import { afterEach, describe, expect, it, vi } from 'vitest';
import { missingLocksWarning } from '../../../../src/browser/tabs/web-lock.ts';

describe('the warning where Web Locks are missing', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('is null where the browser offers them', () => {
    vi.stubGlobal('navigator', { locks: {} });
    expect(missingLocksWarning()).toBeNull();
  });

  it('names a non-secure origin and says to serve the app over https', () => {
    vi.stubGlobal('navigator', {});
    vi.stubGlobal('isSecureContext', false);
    vi.stubGlobal('location', { origin: 'http://notes.lan:8080' });
    const warning = missingLocksWarning();
    expect(warning).toContain('http://notes.lan:8080 is not a secure context');
    expect(warning).toContain('tabs do not take turns');
    expect(warning).toContain('Serve the app over https');
  });

  it('blames the browser on a secure origin', () => {
    vi.stubGlobal('navigator', {});
    vi.stubGlobal('isSecureContext', true);
    expect(missingLocksWarning()).toMatch(
      /^This browser offers no Web Locks, so tabs do not take turns/,
    );
  });
});
