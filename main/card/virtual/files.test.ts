import { createHash, createPublicKey, verify } from 'node:crypto';
import { crc32, inflateSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { blankPng, buildCardFiles, placeholderFacePhoto, type CardFiles } from './files';
import { loadCardProfile, type CardProfile } from './profile';
import type { CardCredentials } from './test-jpki';
import { fixtureCredentials } from '../../../test/harness/card-keys';

/** Top-level BER-TLV children of a constructed object's value: [tag, value] pairs. */
function children(value: Buffer): [number, Buffer][] {
  const out: [number, Buffer][] = [];
  for (let at = 0; at < value.length;) {
    const tag = value.readUInt16BE(at);
    let length = value[at + 2] ?? 0;
    let header = 3;
    if (length === 0x81) [length, header] = [value[at + 3] ?? 0, 4];
    else if (length === 0x82) [length, header] = [value.readUInt16BE(at + 3), 5];
    out.push([tag, value.subarray(at + header, at + header + length)]);
    at += header + length;
  }
  return out;
}

function outerValue(file: Uint8Array): Buffer {
  const buffer = Buffer.from(file);
  return children(buffer)[0]?.[1] ?? Buffer.alloc(0);
}

let profile: CardProfile;
let credentials: CardCredentials;
let files: CardFiles;

beforeAll(async () => {
  profile = await loadCardProfile('test/fixtures/cards/issued.json');
  credentials = await fixtureCredentials(profile);
  files = buildCardFiles(profile, credentials);
});

describe('the virtual card files', () => {
  it('TEXT EF 0003 holds the SHA-256 of EF 0001 and of EF 0002 after DF21, signed', () => {
    const [digestA, digestB, signature] = children(outerValue(files.text.get(0x0003)!));
    expect(digestA?.[1]).toEqual(createHash('sha256').update(files.text.get(0x0001)!).digest());
    const basicFour = outerValue(files.text.get(0x0002)!);
    expect(digestB?.[1]).toEqual(createHash('sha256').update(basicFour.subarray(11)).digest());
    const signed = Buffer.concat([
      Buffer.of(0xdf, 0x31, 0x20),
      digestA![1],
      Buffer.of(0xdf, 0x32, 0x20),
      digestB![1],
    ]);
    expect(signature?.[0]).toBe(0xdf33);
    expect(verify('sha256', signed, createPublicKey(credentials.recordKey), signature![1])).toBe(
      true,
    );
  });

  it('the VISUAL card face has every object in order, and its offsets point at them', () => {
    const file = Buffer.from(files.visual.get(0x0002)!);
    const objects = children(outerValue(file));
    expect(objects.map(([tag]) => tag.toString(16))).toEqual([
      'df21',
      'df22',
      'df23',
      'df24',
      'df25',
      'df26',
      'df27',
      'df28',
      'df29',
      'df2a',
    ]);
    const offsets = objects[0]![1];
    for (let i = 0; i < offsets.length / 2; i += 1) {
      expect(file.readUInt16BE(offsets.readUInt16BE(2 * i))).toBe(objects[i + 1]![0]);
    }
    expect(objects[8]![1].toString('ascii')).toBe('20350217');
  });

  it('its images are well-formed: PNG chunks with good CRCs, a JP2 of whole boxes', () => {
    const png = Buffer.from(blankPng(20, 3));
    expect(png.subarray(1, 4).toString('ascii')).toBe('PNG');
    let at = 8;
    const types: string[] = [];
    while (at < png.length) {
      const length = png.readUInt32BE(at);
      const body = png.subarray(at + 4, at + 8 + length);
      expect(png.readUInt32BE(at + 8 + length)).toBe(crc32(body));
      types.push(body.subarray(0, 4).toString('ascii'));
      if (types.at(-1) === 'IDAT') expect(inflateSync(body.subarray(4)).length).toBe(3 * (1 + 3));
      at += 12 + length;
    }
    expect(types).toEqual(['IHDR', 'IDAT', 'IEND']);

    const jp2 = Buffer.from(placeholderFacePhoto());
    const boxes: string[] = [];
    for (let at2 = 0; at2 < jp2.length; at2 += jp2.readUInt32BE(at2)) {
      boxes.push(jp2.subarray(at2 + 4, at2 + 8).toString('ascii'));
    }
    expect(boxes).toEqual(['jP  ', 'ftyp', 'jp2h', 'jp2c']);
    const codestream = jp2.subarray(jp2.indexOf('jp2c') + 4);
    expect(codestream.subarray(0, 2)).toEqual(Buffer.of(0xff, 0x4f));
    expect(codestream.subarray(-2)).toEqual(Buffer.of(0xff, 0xd9));
  });
});
