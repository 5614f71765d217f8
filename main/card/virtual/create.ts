// One call from a profile to a working virtual card: the JPKI credentials issued under the
// right test CA, the card built from both.

import { VirtualMyNumberCard } from './card';
import type { CardProfile } from './profile';
import {
  createTestJpki,
  issueCardCredentials,
  processKeys,
  processTestJpki,
  type KeySource,
  type TestJpki,
} from './test-jpki';

export interface VirtualCardOptions {
  /** Where keys come from; default: generated once per process (tests). */
  keys?: KeySource;
  /**
   * The test JPKI that test/training trust stores hold; default: the process-wide one
   * (processTestJpki()). A profile with jpki.issuer "unknown" gets certificates from another
   * CA built from the same key source, with the same names and other keys.
   */
  jpki?: TestJpki;
}

export async function createVirtualCard(
  profile: CardProfile,
  options: VirtualCardOptions = {},
): Promise<VirtualMyNumberCard> {
  const keys = options.keys ?? processKeys;
  let jpki: TestJpki;
  if (profile.jpki.issuer === 'unknown') {
    jpki =
      keys === processKeys
        ? await processTestJpki('unknown')
        : await createTestJpki(keys, 'unknown');
  } else {
    jpki =
      options.jpki ?? (keys === processKeys ? await processTestJpki() : await createTestJpki(keys));
  }
  const credentials = await issueCardCredentials(profile, jpki, keys);
  return new VirtualMyNumberCard(profile, credentials);
}
