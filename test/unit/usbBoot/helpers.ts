import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

export const USBBOOT_FIXTURES = path.resolve(__dirname, '../../fixtures/usbboot');

export function usbFixture(name: string): Buffer {
  return readFileSync(path.join(USBBOOT_FIXTURES, name));
}

export function usbFixtureNames(): string[] {
  return readdirSync(USBBOOT_FIXTURES).filter((n) => n.endsWith('.vmx')).sort();
}

/**
 * Writes a tiny ISO 9660 image: 16 empty sectors of system area, then a volume descriptor whose
 * standard identifier "CD001" sits at offset 0x8001 (ECMA-119 8.1), then a terminator. Written
 * here byte by byte, independently of the code under test.
 */
export function writeTinyIso(file: string, size = 36 * 1024): void {
  const b = Buffer.alloc(size);
  b[0x8000] = 1; // primary volume descriptor
  b.write('CD001', 0x8001, 'ascii');
  b[0x8006] = 1;
  b[0x8800] = 255; // set terminator
  b.write('CD001', 0x8801, 'ascii');
  b[0x8806] = 1;
  writeFileSync(file, b);
}
