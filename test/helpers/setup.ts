/** Runs before every test file (vitest.config.ts setupFiles). */
import { setSerializationCheck } from '../../src/platform/serialize.js';

// every compiled response serialisation is checked against zod's output, byte for byte (src/platform/serialize.ts)
setSerializationCheck(true);
