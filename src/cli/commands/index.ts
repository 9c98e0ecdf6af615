import type { CliCommand } from '../command';
import { commands as cert } from './cert';
import { commands as inventory } from './inventory';
import { commands as live } from './live';
import { commands as memory } from './memory';
import { commands as usbBoot } from './usbBoot';
import { commands as vdr } from './vdr';
import { commands as vmx } from './vmx';

/** Every feature's commands, in help order. Feature modules register here. */
export const allCommands: CliCommand[] = [...inventory, ...live, ...vmx, ...usbBoot, ...cert, ...vdr, ...memory];
