import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../test/support/temp-dir';
import { CardProfileError, loadCardProfile } from './profile';

const ISSUED = 'test/fixtures/cards/issued.json';

async function writeProfile(change: (profile: Record<string, unknown>) => void): Promise<string> {
  const profile = JSON.parse(await readFile(ISSUED, 'utf8')) as Record<string, unknown>;
  change(profile);
  const path = join(tempDir(), 'card.json');
  await writeFile(path, JSON.stringify(profile));
  return path;
}

async function loadError(path: string): Promise<CardProfileError> {
  const error: unknown = await loadCardProfile(path).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(CardProfileError);
  return error as CardProfileError;
}

describe('card profiles', () => {
  it('loads every example profile, filling in the defaults', async () => {
    const profile = await loadCardProfile(ISSUED);
    expect(profile.atr).toBe('mynumber-contact-a');
    expect(profile.collationTriesLeft).toEqual({ a: 10, b: 10, birthDateKey: 10 });
    expect(profile.jpki).toEqual({ issuer: 'test', authKeyMatchesCertificate: true });
    for (const name of ['new-card', 'blocked-pins', 'forged-key', 'unknown-ca']) {
      await expect(loadCardProfile(`test/fixtures/cards/${name}.json`)).resolves.toBeDefined();
    }
  });

  it('names a My Number with a wrong check digit without repeating it', async () => {
    const path = await writeProfile((p) => (p['myNumber'] = '100000000012'));
    const error = await loadError(path);
    expect(error.code).toBe('PROFILE_INVALID');
    expect(error.message).toContain('myNumber: must be 12 digits with a valid check digit');
    expect(error.message).not.toContain('100000000012');
  });

  it('refuses secrets the card could not hold, and too many tries', async () => {
    const path = await writeProfile((p) => {
      const secrets = p['secrets'] as Record<string, Record<string, unknown>>;
      (secrets['userAuthenticationPin'] as Record<string, unknown>)['value'] = '12345';
      (secrets['signaturePassword'] as Record<string, unknown>)['value'] = 'lowercase1';
      (secrets['cardInfoInputPin'] as Record<string, unknown>)['triesLeft'] = 4;
    });
    const error = await loadError(path);
    expect(error.message).toContain(
      'secrets.userAuthenticationPin.value: must be exactly 4 digits',
    );
    expect(error.message).toContain('secrets.signaturePassword.value: not a signature password');
    expect(error.message).toContain('secrets.cardInfoInputPin.triesLeft: must be at most 3');
    expect(error.message).not.toContain('12345');
    expect(error.message).not.toContain('lowercase1');
  });

  it('says when the file is missing or is not JSON, without quoting it', async () => {
    expect((await loadError(join(tempDir(), 'missing.json'))).code).toBe('PROFILE_UNREADABLE');
    const path = join(tempDir(), 'broken.json');
    await writeFile(path, '{"name": "試験　花子",');
    const error = await loadError(path);
    expect(error.code).toBe('PROFILE_NOT_JSON');
    expect(error.message).not.toContain('試験');
  });
});
