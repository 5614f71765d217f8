import { describe, expect, it } from 'vitest';
import { collationNumberB } from '../../../domain/japanese-era';
import { syntheticMyNumber } from '../../cases/seed';
import {
  parseManagementSecret,
  setSecretCommand,
  selectApplication,
  SECRET_LOCATIONS,
} from '../issuance-profile';
import { fixtureJpki, fixtureKeys } from '../../../test/harness/card-keys';
import {
  canMakeTrainingCard,
  trainingCard,
  trainingCardProfile,
  trainingManagementSecrets,
  trainingSecurityCode,
  type TrainingCardInput,
} from './training';

const SEED = 'training-seed-1';
const CASE: TrainingCardInput = {
  cardSerial: 'MC0000000042ABCD',
  expiryDate: '2036-05-01',
  myNumber: syntheticMyNumber(1, 42),
  nameKanji: '練習 花子',
  birthDate: '1990-05-01',
  sex: 'female',
  address: 'テスト県見本市架空町一丁目２番３号',
};

const sw = (out: Uint8Array): string => Buffer.from(out.subarray(-2)).toString('hex').toUpperCase();

describe('training cards', () => {
  it('are the same card for the same seed, and another for another seed', () => {
    expect(trainingCardProfile(CASE, SEED, 'issued')).toEqual(
      trainingCardProfile(CASE, SEED, 'issued'),
    );
    expect(trainingSecurityCode(SEED, CASE.cardSerial)).toMatch(/^[0-9]{4}$/);
    expect(trainingManagementSecrets(SEED, CASE.cardSerial)).not.toEqual(
      trainingManagementSecrets('another seed', CASE.cardSerial),
    );
    expect(trainingCardProfile(CASE, SEED, 'new').name).toBe('練習\u3000花子');
  });

  it('a new training card takes its secrets with the initialization secret the training central system derives', async () => {
    const card = await trainingCard(CASE, SEED, 'new', {
      keys: fixtureKeys,
      jpki: await fixtureJpki(),
    });
    const { initializationSecret } = trainingManagementSecrets(SEED, CASE.cardSerial);
    card.process(selectApplication(SECRET_LOCATIONS['user-authentication-pin']));
    const apdu = setSecretCommand(
      'user-authentication-pin',
      parseManagementSecret(initializationSecret),
      Uint8Array.from(Buffer.from('3817')),
    );
    expect(sw(card.process(apdu))).toBe('9000');
    expect(card.secretStatus().userAuthenticationPin).toEqual({ set: true, triesLeft: 3 });
  });

  it('opens the VISUAL AP with the 照合番号B printed on the training card', async () => {
    const card = await trainingCard(CASE, SEED, 'issued', {
      keys: fixtureKeys,
      jpki: await fixtureJpki(),
    });
    const b = collationNumberB({
      birthDate: { year: 1990, month: 5, day: 1 },
      nationality: 'japanese',
      expiryYear: 2036,
      securityCode: trainingSecurityCode(SEED, CASE.cardSerial),
    });
    if (!b.ok) throw new Error('fixture');
    card.process(Buffer.from('00A4040C0AD3921000310001010402', 'hex'));
    expect(
      sw(card.process(Buffer.from(`002000920E${Buffer.from(b.value).toString('hex')}`, 'hex'))),
    ).toBe('9000');
  });

  it('sets up the blocked scenario for reset practice, and skips birth dates no card can print', () => {
    const blocked = trainingCardProfile(CASE, SEED, 'blocked');
    expect(blocked.secrets.userAuthenticationPin).toMatchObject({ state: 'set', triesLeft: 0 });
    expect(canMakeTrainingCard({ ...CASE, birthDate: '1867-01-01' })).toBe(false);
  });
});
