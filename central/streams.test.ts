import { describe, expect, it } from 'vitest';
import { unwrapSecret, WRAP_LABELS } from '../sync/card-secret';
import {
  ApplicationsPageSchema,
  CardsPageSchema,
  CardStatusPageSchema,
  paths,
  RevocationSnapshotPageSchema,
  RevocationsPageSchema,
  type RevocationEntry,
} from '../sync/protocol';
import {
  checkSnapshotComplete,
  RevocationDigest,
  RevocationListError,
  verifyRevocationDelta,
  verifyRevocationHead,
  verifySnapshotHeader,
} from '../sync/signing';
import { cancelApplication, seedOffice, suspendCards } from './admin';
import { enrollTestTerminal, testCentral } from './testing';

describe('download streams', () => {
  it('pages the applications of the terminal office only, with a cursor that resumes', async () => {
    const central = await testCentral();
    seedOffice(central.store, { officeId: '131016', applications: 7, cards: 0, seed: 1 });
    seedOffice(central.store, { officeId: 'EMB-001', applications: 3, cards: 0, seed: 1 });
    const enrolled = await enrollTestTerminal(central, { officeId: '131016' });
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let pages = 0; pages < 10; pages += 1) {
      const response = await enrolled.get(paths.stream('applications', cursor, 3));
      const page = ApplicationsPageSchema.parse(response.body);
      seen.push(...page.items.map((i) => i.application_id));
      expect(page.items.every((i) => i.office_id === '131016')).toBe(true);
      cursor = page.next_cursor;
      if (page.up_to_date) break;
    }
    expect(seen).toHaveLength(7);
    expect(new Set(seen).size).toBe(7);

    // A change after the terminal caught up comes as the next page, with a higher version.
    cancelApplication(central.store, seen[0] as string, { reason: 'duplicate' });
    const next = ApplicationsPageSchema.parse(
      (await enrolled.get(paths.stream('applications', cursor, 3))).body,
    );
    expect(next.items).toEqual([
      expect.objectContaining({
        application_id: seen[0],
        status: 'withdrawn',
        version: 2,
        cancel_reason: 'duplicate',
      }),
    ]);
    expect(next.up_to_date).toBe(true);
  });

  it('sends dispatched cards with secrets only this terminal can unwrap, and their status', async () => {
    const central = await testCentral();
    seedOffice(central.store, { officeId: '131016', applications: 2, cards: 2, seed: 3 });
    const enrolled = await enrollTestTerminal(central);
    const cards = CardsPageSchema.parse((await enrolled.get(paths.stream('cards', null))).body);
    expect(cards.items).toHaveLength(2);
    const card = cards.items[0]!;
    const secret = unwrapSecret(
      card.wrapped_secret,
      enrolled.terminal.encryptionKey,
      WRAP_LABELS.cardSecret,
      card.card_serial,
    );
    expect(secret).toEqual(central.store.getCard(card.card_serial)?.secret);
    const status = CardStatusPageSchema.parse(
      (await enrolled.get(paths.stream('card_status', null))).body,
    );
    expect(status.items.map((i) => [i.card_serial, i.state])).toEqual(
      cards.items.map((c) => [c.card_serial, 'dispatched']),
    );
  });
});

describe('revocation list', () => {
  it('gives a new terminal a signed snapshot, then signed deltas it can chain', async () => {
    const central = await testCentral();
    suspendCards(central.store, ['C-003', 'C-001']);
    suspendCards(central.store, ['C-002'], { status: 'revoked' });
    const enrolled = await enrollTestTerminal(central);
    const key = central.signingPublicKey;

    const first = RevocationsPageSchema.parse(
      (await enrolled.get(paths.stream('revocations', null))).body,
    );
    verifyRevocationHead(first.head, key, 0);
    const header = first.snapshot_required;
    expect(header).not.toBeNull();
    verifySnapshotHeader(header!, key, 0);
    const digest = new RevocationDigest();
    const entries: RevocationEntry[] = [];
    let after: string | null = null;
    do {
      const page = RevocationSnapshotPageSchema.parse(
        (await enrolled.get(paths.revocationSnapshot(header!.list_version, after, 2))).body,
      );
      digest.update(page.entries);
      entries.push(...page.entries);
      after = page.next_after;
    } while (after !== null);
    checkSnapshotComplete(header!, digest);
    expect(entries.map((e) => [e.card_serial, e.status])).toEqual([
      ['C-001', 'suspended'],
      ['C-002', 'revoked'],
      ['C-003', 'suspended'],
    ]);

    suspendCards(central.store, ['C-004']);
    const next = RevocationsPageSchema.parse(
      (await enrolled.get(paths.stream('revocations', first.next_cursor))).body,
    );
    expect(next.snapshot_required).toBeNull();
    expect(next.deltas).toHaveLength(1);
    verifyRevocationDelta(next.deltas[0]!, key, 2);
    expect(next.deltas[0]!.entries.map((e) => e.card_serial)).toEqual(['C-004']);
    expect(next).toMatchObject({ next_cursor: '3', up_to_date: true });
  });

  it('lets a terminal refuse a central restored from an older backup (rollback)', async () => {
    const central = await testCentral();
    const enrolled = await enrollTestTerminal(central);
    suspendCards(central.store, ['C-001']);
    const page = RevocationsPageSchema.parse(
      (await enrolled.get(paths.stream('revocations', '5'))).body,
    );
    expect(page.head.list_version).toBe(1);
    expect(() => verifyRevocationHead(page.head, central.signingPublicKey, 5)).toThrow(
      RevocationListError,
    );
  });

  it('answers 410 for a snapshot version that is no longer current', async () => {
    const central = await testCentral();
    const enrolled = await enrollTestTerminal(central);
    suspendCards(central.store, ['C-001']);
    suspendCards(central.store, ['C-002']);
    const response = await enrolled.get(paths.revocationSnapshot(1, null));
    expect(response.status).toBe(410);
    expect(response.body).toMatchObject({ error: { code: 'snapshot_gone' } });
  });
});
