/**
 * `vlab vmx usb-boot`: make a Workstation VM boot from a USB key by editing its .vmx, or undo it.
 *
 *   vlab vmx usb-boot FILE --iso PATH      Plop route (BIOS VMs): CD-ROM with the ISO, CD first, USB
 *   vlab vmx usb-boot FILE                 on a UEFI VM: the firmware route (setup at next power-on)
 *   vlab vmx usb-boot FILE --undo          restore every value, remove every added line
 *   … --dry-run                            print the diff, write nothing
 *
 * Refusals exit 1 and leave the file untouched: VM running (*.lck), duplicate keys, no free CD slot,
 * read-only file, missing or non-ISO image, already applied / not applied. Writes are atomic with
 * a backup (FILE.bak) unless --no-backup.
 */
import { readInputFile } from '../files';
import * as path from 'node:path';
import { CliFailure, EXIT_OK, UsageError, emit, type CliCommand, type CliInvocation } from '../command';
import { VmxDocument } from '../../core/vmx/document';
import { writeFileAtomic, WriteRefusedError } from '../../core/fs/atomic';
import { checkIsoImage, IsoImageError } from '../../core/vmx/iso';
import {
  applyUsbBootPlan,
  planUsbBoot,
  preflightVmxFile,
  removeUsbBoot,
  unifiedDiff,
  UsbBootError,
  type UsbBootOptions,
  type UsbBootPlan,
  type UsbBootRemovalPlan,
} from '../../core/vmx/usbBoot';

const ROUTES = ['auto', 'plop', 'firmware'] as const;
const USB = ['auto', 'usb1', 'usb2', 'usb3'] as const;

function fail(file: string, e: unknown): never {
  if (e instanceof UsbBootError) throw new CliFailure(`${file}: ${e.message}`, e.code);
  if (e instanceof IsoImageError) throw new CliFailure(e.message, e.problem === 'missing' ? 'iso-missing' : e.problem === 'not-iso' ? 'not-iso' : 'iso-unreadable');
  if (e instanceof WriteRefusedError) throw new CliFailure(e.message, e.code);
  throw e;
}

function describePlan(plan: UsbBootPlan): string[] {
  const out: string[] = [];
  if (plan.route === 'plop') {
    out.push(`route: Plop boot manager on a CD-ROM (${plan.cdSlot}), then USB in Plop's menu`);
  } else {
    out.push('route: firmware setup at next power-on (UEFI), then "EFI USB"');
  }
  out.push(`USB controller: ${plan.controller === 'usb3' ? 'USB 3 (xHCI)' : plan.controller === 'usb2' ? 'USB 2.0 (EHCI)' : 'USB 1.1 (UHCI)'}`);
  for (const c of plan.changes) out.push(`  ${c.key}: ${c.before === undefined ? '(absent)' : JSON.stringify(c.before)} → ${JSON.stringify(c.after)}`);
  for (const n of plan.notes) out.push(`note: ${n.message}`);
  return out;
}

function nextSteps(plan: UsbBootPlan): string {
  return plan.route === 'plop'
    ? 'next: power on the VM; Plop starts from the CD: connect the USB key (VM > Removable Devices) and pick USB in Plop\'s menu. Afterwards: vlab vmx usb-boot FILE --undo'
    : 'next: power on the VM; it stops in the firmware setup: connect the USB key (VM > Removable Devices), open the boot manager and choose "EFI USB". Afterwards: vlab vmx usb-boot FILE --undo';
}

async function run(inv: CliInvocation): Promise<number> {
  const [file] = inv.positionals;
  const abs = path.resolve(inv.io.cwd, file);
  const undo = inv.values.undo === true;
  const dryRun = inv.values['dry-run'] === true;
  const isoArg = inv.values.iso as string | undefined;
  const route = (inv.values.route as string | undefined) ?? 'auto';
  const usb = (inv.values.usb as string | undefined) ?? 'auto';
  if (undo && (isoArg !== undefined || inv.values.route !== undefined || inv.values.usb !== undefined)) throw new UsageError('--undo takes no --iso, --route or --usb');
  if (!(ROUTES as readonly string[]).includes(route)) throw new UsageError(`--route must be one of ${ROUTES.join(', ')}`);
  if (!(USB as readonly string[]).includes(usb)) throw new UsageError(`--usb must be one of ${USB.join(', ')}`);

  const { bytes } = await readInputFile(inv, file);
  try {
    if (!dryRun) await preflightVmxFile(abs);
    const doc = VmxDocument.parse(bytes);
    const after = doc.clone();
    let plan: UsbBootPlan | undefined;
    let removal: UsbBootRemovalPlan | undefined;
    let iso: string | undefined;
    if (undo) {
      removal = removeUsbBoot(after);
    } else {
      iso = isoArg !== undefined ? path.resolve(inv.io.cwd, isoArg) : undefined;
      const options: UsbBootOptions = { iso, route: route as UsbBootOptions['route'], usb: usb as UsbBootOptions['usb'] };
      plan = planUsbBoot(doc, options);
      if (plan.route === 'plop' && iso) await checkIsoImage(iso);
      applyUsbBootPlan(after, plan);
    }
    const diff = unifiedDiff(doc, after, file);
    let backup: string | undefined;
    if (!dryRun) {
      const result = await writeFileAtomic(abs, after.serialize(), { backup: inv.values['no-backup'] !== true });
      backup = result.backup;
    }
    const data = {
      file,
      action: undo ? 'remove' : 'apply',
      dryRun,
      ...(plan
        ? { route: plan.route, firmware: plan.firmware, hardwareVersion: plan.hardwareVersion ?? null, cdSlot: plan.cdSlot ?? null, controller: plan.controller, iso: plan.iso ?? null, changes: plan.changes, notes: plan.notes.map((n) => ({ code: n.code, message: n.message })) }
        : {}),
      ...(removal ? { route: removal.route, changes: removal.changes, drift: removal.drift } : {}),
      ...(backup ? { backup } : {}),
      ...(dryRun ? { diff } : {}),
    };
    emit(inv, data, () => {
      const out: string[] = [];
      if (dryRun) out.push(diff.trimEnd(), '', '(dry run: nothing written)');
      if (plan) {
        if (!dryRun) out.push(`${file}: USB boot helper applied${backup ? ` (backup: ${path.basename(backup)})` : ''}`);
        out.push(...describePlan(plan));
        if (!dryRun) out.push(nextSteps(plan));
      }
      if (removal) {
        if (!dryRun) out.push(`${file}: USB boot helper removed, ${removal.changes.length} key(s) restored${backup ? ` (backup: ${path.basename(backup)})` : ''}`);
        for (const d of removal.drift) out.push(`note: ${d.key} was ${d.actual === undefined ? 'removed' : JSON.stringify(d.actual)} since (the helper set ${JSON.stringify(d.expected)}); restored to its value from before the helper`);
      }
      return out.join('\n');
    });
    return EXIT_OK;
  } catch (e) {
    fail(file, e);
  }
}

export const usbBoot: CliCommand = {
  path: ['vmx', 'usb-boot'],
  summary: 'Make a Workstation VM boot from a USB key (Plop CD-ROM, or UEFI setup), or undo it exactly',
  synopsis: 'FILE (--iso PATH | --undo) [--route auto|plop|firmware] [--usb auto|usb1|usb2|usb3] [--dry-run] [--no-backup] [--json]',
  positionals: { min: 1, max: 1 },
  options: {
    iso: { type: 'string', valueName: 'PATH', description: 'the boot manager ISO (plpbt.iso) for the Plop route' },
    undo: { type: 'boolean', description: 'remove the helper: restore every value, remove every added line' },
    route: { type: 'string', valueName: 'ROUTE', description: 'auto (default: Plop on BIOS, firmware setup on UEFI), plop or firmware' },
    usb: { type: 'string', valueName: 'KIND', description: 'USB controller: auto (default), usb1, usb2 or usb3 (hardware 8+)' },
    'dry-run': { type: 'boolean', description: 'print the diff and write nothing' },
    'no-backup': { type: 'boolean', description: 'do not keep a copy of the old file as FILE.bak' },
  },
  run,
};

export const commands: CliCommand[] = [usbBoot];
