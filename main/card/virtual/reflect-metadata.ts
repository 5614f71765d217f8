// @peculiar/x509's dependency tsyringe needs the Reflect metadata API at load time; the
// reflect-metadata package is not a dependency. tsyringe only stores and reads constructor
// metadata, which this small map provides. main/card/trust/reflect-metadata.ts does the same
// for the trust store; the two should become one module once both are committed.

type MetadataReflect = typeof Reflect & {
  defineMetadata?: (key: unknown, value: unknown, target: object) => void;
  getMetadata?: (key: unknown, target: object) => unknown;
  getOwnMetadata?: (key: unknown, target: object) => unknown;
  hasMetadata?: (key: unknown, target: object) => boolean;
  hasOwnMetadata?: (key: unknown, target: object) => boolean;
};

const metadata = new WeakMap<object, Map<unknown, unknown>>();
const reflect = Reflect as MetadataReflect;
reflect.defineMetadata ??= (key, value, target) => {
  let map = metadata.get(target);
  if (!map) metadata.set(target, (map = new Map()));
  map.set(key, value);
};
reflect.getOwnMetadata ??= (key, target) => metadata.get(target)?.get(key);
reflect.getMetadata ??= (key, target) => metadata.get(target)?.get(key);
reflect.hasOwnMetadata ??= (key, target) => metadata.get(target)?.has(key) ?? false;
reflect.hasMetadata ??= (key, target) => metadata.get(target)?.has(key) ?? false;

export {};
