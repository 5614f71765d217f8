// Virtual cards and trust anchors for the client's tests and benchmarks: a card from a profile
// in test/fixtures/cards/, and the test JPKI roots as anchors (flagged test: training mode).

import { X509Certificate } from 'node:crypto';
import { join } from 'node:path';
import type { Anchor } from '../trust/chain';
import { fingerprintOf } from '../trust/trust-store';
import type { VirtualMyNumberCard } from '../virtual/card';
import { createVirtualCard } from '../virtual/create';
import { loadCardProfile, type CardProfile } from '../virtual/profile';
import { processTestJpki, type TestJpki } from '../virtual/test-jpki';

/** From the repository root, where tests and benchmarks run (a bundled bench has no source dir). */
export const CARD_FIXTURES = join(process.cwd(), 'test/fixtures/cards');

export async function fixtureProfile(
  name: string,
  change: (profile: CardProfile) => CardProfile = (p) => p,
): Promise<CardProfile> {
  return change(await loadCardProfile(join(CARD_FIXTURES, `${name}.json`)));
}

export async function fixtureCard(
  name: string,
  change?: (profile: CardProfile) => CardProfile,
): Promise<VirtualMyNumberCard> {
  return createVirtualCard(await fixtureProfile(name, change));
}

/** The test JPKI's two roots, as a training terminal's trust store holds them. */
export async function testAnchors(jpki?: TestJpki): Promise<Anchor[]> {
  jpki ??= await processTestJpki();
  return [jpki.authRoot, jpki.signRoot].map((root) => {
    const certificate = new X509Certificate(Buffer.from(root.rawData));
    return { certificate, test: true, fingerprint: fingerprintOf(certificate) };
  });
}

export const ascii = (text: string): Uint8Array => new TextEncoder().encode(text);
