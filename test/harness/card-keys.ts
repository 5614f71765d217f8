// Keys and the test JPKI for tests of the virtual card: the committed test keys of
// test/fixtures/card-keys/ (RSA-2048 generation costs up to a second per key on a loaded CI
// machine), falling back to keys generated once per process for any other name.

import { createPrivateKey, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { VirtualMyNumberCard } from '../../main/card/virtual/card';
import { createVirtualCard } from '../../main/card/virtual/create';
import type { CardProfile } from '../../main/card/virtual/profile';
import {
  createTestJpki,
  issueCardCredentials,
  processKeys,
  type CardCredentials,
  type KeySource,
  type TestJpki,
} from '../../main/card/virtual/test-jpki';

const KEY_DIR = 'test/fixtures/card-keys';
const loaded = new Map<string, Promise<KeyObject>>();

export const fixtureKeys: KeySource = (name) => {
  let key = loaded.get(name);
  if (!key) {
    key = readFile(`${KEY_DIR}/${name}.key.pem`, 'utf8').then(
      (pem) => createPrivateKey(pem),
      () => processKeys(name),
    );
    loaded.set(name, key);
  }
  return key;
};

const jpkis = new Map<string, Promise<TestJpki>>();

/** The test JPKI ("test", the one test trust stores hold) or the unknown one, from fixtureKeys. */
export function fixtureJpki(id: 'test' | 'unknown' = 'test'): Promise<TestJpki> {
  let jpki = jpkis.get(id);
  if (!jpki) {
    jpki = createTestJpki(fixtureKeys, id);
    jpkis.set(id, jpki);
  }
  return jpki;
}

/** A virtual card from a profile, with fixture keys under the fixture test JPKI. */
export async function fixtureCard(profile: CardProfile): Promise<VirtualMyNumberCard> {
  return createVirtualCard(profile, { keys: fixtureKeys, jpki: await fixtureJpki() });
}

/** What the card made by fixtureCard(profile) holds: to compare with what a client reads. */
export async function fixtureCredentials(profile: CardProfile): Promise<CardCredentials> {
  const jpki = await fixtureJpki(profile.jpki.issuer);
  return issueCardCredentials(profile, jpki, fixtureKeys);
}
