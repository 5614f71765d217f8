// @peculiar/x509, ready for Node: the Reflect metadata its dependency tsyringe needs is
// installed first (modules evaluate in import order), and Node's Web Crypto is its provider.
// Import x509 from here, never from the package directly.

import '../trust/reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

// Node's webcrypto is the Web Crypto API; the DOM's Crypto type is not in this project's lib.
x509.cryptoProvider.set(webcrypto as never);

export { x509 };
