import type { CliCommand } from '../command';
import { commands as backup } from './backup';
import { commands as cert } from './cert';
import { commands as certBoard } from './certBoard';
import { commands as inventory } from './inventory';
import { commands as live } from './live';
import { commands as mcp } from './mcp';
import { commands as memory } from './memory';
import { commands as snapshot } from './snapshot';
import { commands as usbBoot } from './usbBoot';
import { commands as vdr } from './vdr';
import { commands as vmx } from './vmx';

/** Every feature's commands, in help order. Feature modules register here. */
export const allCommands: CliCommand[] = [
  ...inventory,
  ...live,
  ...snapshot,
  ...vmx,
  ...usbBoot,
  ...cert,
  ...certBoard,
  ...vdr,
  ...backup,
  ...memory,
  ...mcp,
];
