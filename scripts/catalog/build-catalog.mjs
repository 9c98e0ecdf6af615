// Generates src/core/vmx/catalog.json from the tables below.
// Run: node scripts/catalog/build-catalog.mjs
//
// Every description is our own wording; facts carry over from the cited source. A source string
// names where the key (and the fact) was seen. "seen in" sources are real files written by VMware
// products; they confirm the key and its value shape, the meaning is our summary.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GUEST_OS } from './guest-os.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, '..', '..', 'src', 'core', 'vmx', 'catalog.json');

// ---------------------------------------------------------------- sources
const S = {
  libvirt: 'libvirt src/vmx/vmx.c (key mapping comment)',
  wildEsx: 'seen in libvirt tests/vmx2xmldata/esx-in-the-wild-*.vmx (ESX/ESXi-written files)',
  wildEsx8: 'seen in libvirt tests/vmx2xmldata/esx-in-the-wild-12/16/17.vmx (ESXi 8.0, hardware 20)',
  wildGsx: 'seen in libvirt tests/vmx2xmldata/gsx-in-the-wild-3/4.vmx (GSX/Workstation-written files)',
  wildFusion: 'seen in libvirt tests/vmx2xmldata/fusion-in-the-wild-1.vmx (Fusion-written file)',
  libvirtVds: 'libvirt tests/vmx2xmldata/ethernet-vds.vmx and src/vmx/vmx.c',
  packer: 'packer-plugin-vmware builder/vmware/iso/step_create_vmx.go (DefaultVMXTemplate)',
  wsBlog: 'seen in a Workstation 10-era .vmx quoted at orekiyuta.github.io source/_posts/somethingAboutVmware.md',
  ovt: 'open-vm-tools lib/include/guest_os_tables.h (GUEST_OS_KEY_MAP); newer Windows ids: govmomi vim25/types/enum.go VirtualMachineGuestOsIdentifier',
  hw: 'https://developer.broadcom.com/xapis/vsphere-automation-api/latest/vcenter/data-structures/Vm_Hardware_Upgrade_RequestBody (first ESXi per version); Workstation/Fusion columns: VMware KB 1003746 table as reproduced in angieEncoded/notes MISC/ESXiHardwareVersions.md',
  stig5: 'VMware vSphere 5.x Virtual Machine STIG / Hardening Guide 5.x (ESXI5-VM-0000xx settings)',
  stig65: 'DISA VMware vSphere 6.5 Virtual Machine STIG (VMCH-65-*), via mitre/inspec-profile-update-action benchmarks',
  cis: 'CIS VMware ESXi benchmark, section 8 (virtual machine settings)',
  numa: 'https://docs.vmware.com/en/VMware-vSphere/6.5/com.vmware.vsphere.resmgmt.doc/GUID-89C52376-60C3-452A-A269-9F4F7FE489C6.html (Advanced Virtual NUMA Attributes)',
  memAttr: 'https://docs.vmware.com/en/VMware-vSphere/7.0/com.vmware.vsphere.resmgmt.doc/GUID-D98E6EC9-3730-4BC0-A9FC-93B9079E1AEE.html (Advanced Memory Attributes)',
  esx2: 'VMware ESX Server 2.x Administration Guide, resource management chapter (sched.mem.* options)',
  domain: '/work/shared/DOMAIN.md section 1 (VDR 2.0 admin guide; vknowledge.wordpress.com 2010-08-18)',
  domainCbt: '/work/shared/DOMAIN.md section 1 (changed block tracking needs HW7)',
  vnc: 'VMware .vmx example in a VMware technical note (RemoteDisplay.vnc.enabled/port); hashicorp vagrant vmware and packer vmx_data usage',
  vmcloak: 'vmcloak constants.py _VMX_SVGA_TEMPLATE (svga.* keys)',
  vagrant2597: 'hashicorp/vagrant issue 2597 (duplicate keys); DOMAIN.md section 4',
  domain5: '/work/shared/DOMAIN.md section 5 (ivobeerens.nl 2009-10-16; packer template)',
  pyvmomiMmu: 'vmware/pyvmomi docs/vim/vm/FlagInfo/VirtualMmuUsage.rst (values of the matching API flag)',
  ansibleVnc: 'ansible community.vmware vmware_guest_vnc module (RemoteDisplay.vnc.* keys)',
  cloudstack: 'Apache CloudStack VirtualMachineMO.java (answers the msg.uuid.altered question)',
  hwFeatures: 'vSphere Virtual Machine Administration, "Hardware Features Available with Virtual Machine Compatibility Settings" (GUID-789C3913-1053-4850-A0F0-E29C3D32B6DA): 6.5/6.7 tables (SATA, NVMe, USB 3.0, E1000e, VMXNet3, LSI Logic SAS, VMware Paravirtual, nested HV, vPMC rows) and 8.0 table (UEFI firmware HWV 8, Secure boot HWV 13)',
};

// ---------------------------------------------------------------- helpers
const entries = [];
const BOOL = (k, d, src, o = {}) => add({ key: k, type: 'bool', description: d, source: src, ...o });
const INT = (k, d, src, o = {}) => add({ key: k, type: 'int', description: d, source: src, ...o });
const STR = (k, d, src, o = {}) => add({ key: k, type: 'string', description: d, source: src, ...o });
const PATH = (k, d, src, o = {}) => add({ key: k, type: 'path', description: d, source: src, ...o });
const SIZE = (k, d, src, o = {}) => add({ key: k, type: 'size', description: d, source: src, ...o });
const UUID = (k, d, src, o = {}) => add({ key: k, type: 'uuid', description: d, source: src, ...o });
const MAC = (k, d, src, o = {}) => add({ key: k, type: 'mac', description: d, source: src, ...o });
const LIST = (k, d, src, o = {}) => add({ key: k, type: 'list', description: d, source: src, ...o });
/** values: [[value, description, apiId?], ...] */
const ENUM = (k, d, src, values, o = {}) =>
  add({ key: k, type: 'enum', description: d, source: src, values: values.map(([value, description, apiId]) => (apiId ? { value, description, apiId } : { value, description })), ...o });

function add(e) {
  const ordered = { key: e.key, description: e.description, type: e.type };
  for (const f of ['values', 'closed', 'default', 'min', 'max', 'products']) if (e[f] !== undefined) ordered[f] = e[f];
  ordered.source = e.source;
  entries.push(ordered);
}

const SHARES = [['low', 'Low share level'], ['normal', 'Normal share level (the default)'], ['high', 'High share level'], ['custom', 'Explicit share count set elsewhere']];

// ================================================================ general
STR('.encoding', 'Character set of the file. VMware writes it as the first line; values are charset names such as UTF-8 or a Windows code page (windows-1252, GBK, Shift_JIS).', 'DOMAIN.md section 4 (sanbarrow.com vmx FAQ); libvirt src/vmx/vmx.c (virVMXConvertToUTF8)', { default: 'UTF-8' });
INT('config.version', 'Version of the .vmx file format itself (not of the virtual hardware). Files written by every current product carry 8.', S.libvirt, { default: '8', min: 1, max: 8 });
const HW = [
  ['3', 'Hardware version 3: ESX Server 2.x, GSX Server 3.x; also Workstation 4.x/5.x, Server 1.x, Player 1.x, ACE 1.x, Lab Manager 2.x (which handle 3 and 4)'],
  ['4', 'Hardware version 4: ESX 3.x (ESX/ESXi 3.5 and later compatibility), ACE 2.x, Fusion 1.x, Player 2.x; Workstation 5.x, Server 1.x'],
  ['6', 'Hardware version 6: Workstation 6.0.x'],
  ['7', 'Hardware version 7: ESX/ESXi 4.x, Workstation 6.5.x and 7.x, Fusion 2.x/3.x, Player 3.x, Server 2.x'],
  ['8', 'Hardware version 8: ESXi 5.0, Workstation 8.x, Fusion 4.x, Player 4.x'],
  ['9', 'Hardware version 9: ESXi 5.1, Workstation 9.x, Fusion 5.x, Player 5.x'],
  ['10', 'Hardware version 10: ESXi 5.5, Workstation 10.x, Fusion 6.x, Player 6.x'],
  ['11', 'Hardware version 11: ESXi 6.0, Workstation 11.x, Fusion 7.x, Player 7.x'],
  ['12', 'Hardware version 12: Workstation Pro/Player 12.x, Fusion 8.x (no ESXi release uses it as its default)'],
  ['13', 'Hardware version 13: ESXi 6.5'],
  ['14', 'Hardware version 14: ESXi 6.7, Workstation Pro/Player 14.x, Fusion 10.x'],
  ['15', 'Hardware version 15: ESXi 6.7 Update 2'],
  ['16', 'Hardware version 16: Workstation Pro/Player 15.x, Fusion 11.x'],
  ['17', 'Hardware version 17: ESXi 7.0'],
  ['18', 'Hardware version 18: ESXi 7.0 Update 1, Workstation Pro/Player 16.x, Fusion 12.x'],
  ['19', 'Hardware version 19: ESXi 7.0 Update 2, Workstation 16.2.x, Fusion 12.2.x'],
  ['20', 'Hardware version 20: ESXi 8.0 (Workstation 17.0 / Fusion 13.0 use it too; desktop column not confirmed in our stored sources)'],
  ['21', 'Hardware version 21: ESXi 8.0 Update 2 (Workstation 17.5 / Fusion 13.5 use it too; desktop column not confirmed in our stored sources)'],
];
ENUM('virtualHW.version', 'Virtual hardware version (compatibility level). It decides which virtual devices and limits the VM gets and which products can power it on: a product cannot run a VM whose version is newer than it knows. Version 5 was never used. Changed block tracking needs 7 or later.', S.hw, HW, { min: 3, max: 21 });
ENUM('virtualHW.productCompatibility', 'Which product family the hardware version refers to. Hosted products (Workstation, Fusion, Player, Server) write "hosted".', `${S.packer}; ${S.wildFusion}`, [['hosted', 'Written by hosted products (Workstation, Fusion, Player, Server)'], ['esx', 'ESX-style compatibility']]);
ENUM('guestOS', 'Guest operating system identifier. The .vmx id (for example windows7srv-64) differs from the vSphere API id (windows7Server64Guest), shown here as apiId. Ids ending in -64 denote 64-bit guests. The id picks device defaults (SCSI controller, NIC) and the VMware Tools flavour. Matched without regard to case.', S.ovt,
  GUEST_OS.map(([v, name, api, alias]) => [v, alias ? `${name} [accepted alias]` : name, api]), { closed: false });
STR('guestOSAltName', 'Display name of the guest OS written by some products next to guestOS, for example "Ubuntu Linux (64-bit)".', S.wildEsx);
STR('displayName', 'Name of the VM as shown in the inventory and the console title.', S.libvirt);
STR('annotation', 'Free-text notes ("Notes" in the vSphere Client). Line breaks and quotes are escaped as |0A, |0D, |22 (a pipe and two hex digits).', 'libvirt tests/vmx2xmldata/annotation.vmx; DOMAIN.md section 4');
INT('memsize', 'Guest memory in MB. Must be a multiple of 4. Maximum depends on hardware version and product (for example 1011 GB on HW8, 6128 GB on HW13+, 24 TB on HW20 with ESXi 8).', S.libvirt, { default: '32', min: 4 });
INT('numvcpus', 'Number of virtual CPUs. Older products required 1 or an even number; limits depend on hardware version (HW7: 8, HW8: 32, HW11: 128, HW17: 256, HW20: 768).', S.libvirt, { default: '1', min: 1, max: 768 });
INT('cpuid.coresPerSocket', 'Cores per virtual socket. numvcpus must be a multiple of it. With 2 or more it also sizes the virtual NUMA node unless numa.vcpu.maxPerVirtualNode is set.', S.numa, { default: '1', min: 1 });
INT('cpuid.coresPerSocket.cookie', 'Written by ESXi 8 to remember the cores-per-socket value it chose automatically; not meant to be edited.', S.wildEsx8);
UUID('uuid.bios', 'SMBIOS system UUID seen by the guest (16 hex bytes, "56 4d … -…" form). Hosted products derive it from the host and path; ESXi-created VMs start with 42.', S.libvirt);
UUID('uuid.location', 'Hash of the host and path where the VM was last run. When it does not match, the product asks whether the VM was moved or copied (answer.msg.uuid.altered / uuid.action).', S.wildEsx);
ENUM('uuid.action', 'What to do with uuid.bios when the VM is found at a new location, without asking: keep the UUID ("moved") or create a new one ("copied").', S.wildGsx, [['keep', 'Keep uuid.bios (treat as moved)'], ['create', 'Generate a new uuid.bios (treat as copied)']], { closed: true });
UUID('vc.uuid', 'Instance UUID that vCenter assigned to the VM (VirtualMachine.config.instanceUuid). vCenter uses it to recognise the VM.', S.wildEsx);
PATH('nvram', 'File holding the BIOS/EFI NVRAM (settings, boot entries, secure-boot variables), relative to the VM folder.', S.wildEsx);
ENUM('firmware', 'Firmware type: legacy BIOS or UEFI. EFI needs hardware version 7 on hosted products, ESXi 5.0+ on vSphere; switching after install usually makes the guest unbootable.', `${S.packer}; ${S.wildEsx8}`, [['bios', 'Legacy PC BIOS'], ['efi', 'UEFI firmware']], { closed: true, default: 'bios' });
BOOL('uefi.secureBoot.enabled', 'Turn on UEFI Secure Boot (needs firmware = "efi"; vSphere 6.5 / hardware 13 or later).', `${S.packer}; ${S.wildEsx8}`, { default: 'FALSE' });
PATH('extendedConfigFile', 'Name of the .vmxf file holding team/extra metadata that hosted products and vCenter keep next to the .vmx.', `${S.packer}; ${S.wildGsx}`);
PATH('checkpoint.vmState', 'Suspend state file (.vmss) to resume from. Empty when the VM is not suspended.', `${S.packer}; ${S.wildGsx}`, { default: '' });
BOOL('cleanShutdown', 'Written by the product: TRUE when the VM process exited normally last time.', S.wildEsx);
BOOL('softPowerOff', 'Written by the product: TRUE when the last power-off was a guest shutdown through VMware Tools.', S.wildEsx);
INT('vm.createDate', 'Creation time of the VM in microseconds since the Unix epoch (written by ESXi 6.7+).', S.wildEsx8);
INT('vm.genid', 'Low half of the Windows VM Generation ID; changes on snapshot revert or clone so domain controllers can detect rollback.', S.wildEsx);
INT('vm.genidX', 'High half of the Windows VM Generation ID (see vm.genid).', S.wildEsx);
STR('deploymentPlatform', 'Host platform recorded by old hosted products (for example "windows").', S.wildEsx);
PATH('vmxstats.filename', 'Scoreboard file for VMX statistics (.scoreboard), written by ESXi 6.5+.', S.wildEsx8);
STR('viv.moid', 'vCenter-written identity token (vCenter instance, managed object id, checksum) used to detect copies of the VM.', S.wildEsx8);
BOOL('config.readOnly', 'Marks the configuration as read-only for editors.', S.wildEsx);
PATH('workingDir', 'Folder for snapshots, the suspend file and the swap file instead of the VM folder. Relative paths are relative to the VM folder.', 'VMware KB on moving snapshot files (workingDir); vSphere Virtual Machine Administration, snapshot files', { default: '.' });
STR('guestinfo.{name}', 'Guest variable readable from the guest with VMware Tools (vmtoolsd --cmd "info-get guestinfo.NAME"); used to pass data such as cloud-init metadata. Whole namespace is free-form.', S.wildEsx);
STR('guestInfo.detailed.data', 'Detailed guest OS description reported by VMware Tools 11+ (architecture, bitness, distro name and version, kernel).', S.wildEsx8);
STR('guestOS.detailed.data', 'Earlier name of the detailed guest OS data reported by VMware Tools (see guestInfo.detailed.data).', S.wildEsx);
ENUM('chipset.motherboardLayout', 'Virtual chipset layout. "acpi" is used by ESXi 8 for newer guests; the classic layout is Intel 440BX.', S.wildEsx8, [['i440bx', 'Intel 440BX layout (classic)'], ['acpi', 'ACPI-described layout (ESXi 8+)']]);
BOOL('vhv.enable', 'Expose hardware-assisted virtualization (VT-x/AMD-V) to the guest so it can run a hypervisor (nested ESXi, Hyper-V). Needs hardware version 9+.', `${S.packer}; ${S.wsBlog}`, { default: 'FALSE' });
BOOL('vpmc.enable', 'Expose virtual CPU performance counters to the guest (hardware version 9+). Can block vMotion to hosts with other counters.', 'vSphere Virtual Machine Administration, "Enable Virtual CPU Performance Counters" (vpmc.enable)', { default: 'FALSE' });
BOOL('vvtd.enable', 'Expose a virtual Intel VT-d IOMMU (needed for Virtualization Based Security; hardware 14+).', 'vSphere 6.7 Virtual Machine Administration, VBS / IOMMU settings', { default: 'FALSE' });
BOOL('vbs.enable', 'Enable Virtualization Based Security support for Windows guests (hardware 14+, EFI, Secure Boot).', 'vSphere 6.7 Virtual Machine Administration, VBS settings', { default: 'FALSE' });
BOOL('mem.hotadd', 'Allow adding memory while the VM is powered on (guest support needed).', S.wsBlog, { default: 'FALSE' });
BOOL('vcpu.hotadd', 'Allow adding vCPUs while the VM is powered on. Disables virtual NUMA on vSphere.', 'vSphere Virtual Machine Administration, CPU hot plug', { default: 'FALSE' });
BOOL('vcpu.hotremove', 'Allow removing vCPUs while the VM is powered on (few guests support it).', 'vSphere Virtual Machine Administration, CPU hot plug', { default: 'FALSE' });
BOOL('inVMTeam', 'Hosted products: whether the VM belongs to a Workstation team.', S.wildGsx);
BOOL('evcCompatibilityMode', 'Written by old ESX with Enhanced vMotion Compatibility information.', S.wildEsx);
STR('hostCPUID.{n}', 'CPUID leaf {n} of the host the VM last ran on (hex registers eax/ebx/ecx/edx), written by old ESX for migration checks.', S.wildEsx);
STR('guestCPUID.{n}', 'CPUID leaf {n} as presented to the guest, written by old ESX.', S.wildEsx);
STR('userCPUID.{n}', 'CPUID leaf {n} as seen by user-level code in the guest, written by old ESX.', S.wildEsx);
for (const reg of ['eax', 'ebx', 'ecx', 'edx']) {
  STR(`cpuid.{n}.${reg}`, `CPUID mask for leaf {n}, register ${reg}: 32 characters, one per bit from bit 31 down; 0/1 force the bit, - passes the host value, H/R/T have special meanings.`, S.wsBlog);
  STR(`cpuid.{n}.{m}.${reg}`, `CPUID mask for leaf {n}, sub-leaf {m}, register ${reg}; same mask syntax as cpuid.{n}.${reg} (colon-separated nibbles are accepted).`, S.wsBlog);
}
STR('featMask.vm.cpuid.{name}', 'Per-VM EVC feature mask for CPUID feature {name} (vSphere 6.7+ per-VM EVC), for example featMask.vm.cpuid.SSE3.Val.', 'vSphere 6.7 per-VM EVC (featMask.vm.cpuid.* keys written by vCenter)');
BOOL('hypervisor.cpuid.v0', 'Whether the guest sees the hypervisor-present CPUID bit and VMware signature. FALSE hides them (used to run software that refuses VMs).', S.wsBlog, { default: 'TRUE' });
BOOL('smbios.reflectHost', 'Copy the host\'s SMBIOS strings (vendor, model, serial) into the guest instead of VMware\'s.', S.libvirt, { default: 'FALSE' });
BOOL('SMBIOS.noOEMStrings', 'Leave VMware OEM strings out of the guest SMBIOS tables.', S.wsBlog, { default: 'FALSE' });
STR('smbios.assetTag', 'Asset tag string placed in the guest SMBIOS chassis table.', S.wildEsx);
BOOL('board-id.reflectHost', 'Fusion/macOS guests: report the host Mac\'s board id.', S.wsBlog);
BOOL('hw.model.reflectHost', 'Fusion/macOS guests: report the host Mac\'s model string.', S.wsBlog);
BOOL('serialNumber.reflectHost', 'Report the host\'s serial number in the guest SMBIOS.', S.wsBlog);
BOOL('disable_acceleration', 'Workstation: turn off binary-translation acceleration (troubleshooting option, slow).', S.wsBlog, { default: 'FALSE' });
BOOL('mce.enable', 'Expose machine-check exceptions to the guest.', S.wsBlog);
INT('toolsInstallManager.updateCounter', 'Written by hosted products: count of VMware Tools installs/updates done through the UI.', S.wsBlog);
STR('vmx.buildType', 'Which VMX binary to run ("release", "debug", "stats"); troubleshooting option.', S.wsBlog, { default: 'release' });
ENUM('priority.grabbed', 'Workstation: host process priority while the VM has keyboard/mouse focus.', S.wsBlog, [['normal', 'Normal priority'], ['high', 'Higher priority'], ['low', 'Lower priority'], ['idle', 'Idle priority']]);
ENUM('priority.ungrabbed', 'Workstation: host process priority while the VM does not have focus.', S.wsBlog, [['normal', 'Normal priority'], ['high', 'Higher priority'], ['low', 'Lower priority'], ['idle', 'Idle priority']]);
BOOL('proxyApps.publishToHost', 'Hosted products: publish guest applications to the host (Unity launcher).', S.packer);
BOOL('hgfs.mapRootShare', 'Map the shared-folders root into the guest.', S.packer);
BOOL('hgfs.linkRootShare', 'Create a link to the shared-folders root in the guest.', S.packer);
BOOL('vmsafe.enable', 'Allow VMsafe (introspection) agents to attach. Hardening guides require FALSE unless such a product is used.', S.stig5, { default: 'FALSE' });
STR('vio.imageId', 'Image id recorded by VMware Integrated OpenStack for VMs it deploys.', S.wildEsx);
UUID('nvp.vm-uuid', 'VM id recorded for NSX (nvp) port binding by OpenStack/NSX integrations.', S.wildEsx);
UUID('nvp.iface-id.{n}', 'NSX (nvp) interface id of NIC {n}, written by OpenStack/NSX integrations.', S.wildEsx);
STR('root-disk-uuid', 'Root disk id written by an OpenStack deployment tool; not read by VMware products.', S.wildEsx);

INT('maxvcpus', 'Older vCPU-count key seen in Workstation 6.5/7-era files next to or instead of numvcpus; current products write numvcpus.', 'seen in a Workstation 7-era .vmx template (greshem/develop_perl gen_huge_dlxp_vmx_diskplat.pl)', { min: 1 });
STR('machine.id', 'Free-form machine id string the guest can read through VMware Tools (machine.id.get); old guest-customisation scripts used it.', 'seen in a VMware Server-era .vmx template (autostart, machine.id)');
STR('autostart', 'VMware Server / GSX: start this VM with the host (value seen: "poweron").', 'seen in a VMware Server-era .vmx template (autostart, machine.id)');
BOOL('debugStub.listen.guest32', 'Workstation/Fusion: open a GDB remote stub for 32-bit guest debugging (port 8832 by default, loopback only).', 'VMware Workstation/Fusion GDB stub (debugStub.* keys)', { default: 'FALSE' });
BOOL('debugStub.listen.guest64', 'Workstation/Fusion: open a GDB remote stub for 64-bit guest debugging (port 8864 by default, loopback only).', 'VMware Workstation/Fusion GDB stub (debugStub.* keys)', { default: 'FALSE' });
BOOL('debugStub.listen.guest32.remote', 'Let the 32-bit GDB stub accept connections from other machines.', 'VMware Workstation/Fusion GDB stub (debugStub.* keys)', { default: 'FALSE' });
BOOL('debugStub.listen.guest64.remote', 'Let the 64-bit GDB stub accept connections from other machines.', 'VMware Workstation/Fusion GDB stub (debugStub.* keys)', { default: 'FALSE' });
BOOL('debugStub.hideBreakpoints', 'Use hardware breakpoints so the guest cannot see GDB breakpoints.', 'VMware Workstation/Fusion GDB stub (debugStub.* keys)', { default: 'FALSE' });
STR('debugStub.winOffsets.{name}', 'Windows kernel structure offsets used by the debug stub (e.g. debugStub.winOffsets.version); written by Workstation.', 'seen in a Workstation 7-era .vmx template (greshem/develop_perl gen_huge_dlxp_vmx_diskplat.pl)');

// ================================================================ migration, replay, FT, logs
PATH('migrate.hostLog', 'Per-VM migration log (.hlog) recording vMotion/Storage vMotion progress.', S.wildEsx);
STR('migrate.hostLogState', 'State of the migration log ("none", "send", "receive").', 'seen in ESXi-written .vmx files after vMotion');
ENUM('migrate.encryptionMode', 'Encrypted vMotion policy for this VM (vSphere 6.5+).', S.wildEsx, [['disabled', 'Never encrypt vMotion'], ['opportunistic', 'Encrypt when both hosts support it (the default)'], ['required', 'Only allow encrypted vMotion']], { closed: true, default: 'opportunistic' });
STR('migrate.migrationId', 'Id of the last migration, written by the host.', 'seen in ESXi-written .vmx files after vMotion');
ENUM('ftcpt.ftEncryptionMode', 'Encryption of Fault Tolerance logging traffic (vSphere 7.0 U2+).', S.wildEsx8, [['ftEncryptionDisabled', 'No encryption'], ['ftEncryptionOpportunistic', 'Encrypt when possible (default)'], ['ftEncryptionRequired', 'Always encrypt']], { closed: true, default: 'ftEncryptionOpportunistic' });
SIZE('vmotion.checkpointFBSize', 'Bytes of frame buffer saved in checkpoints and vMotion (written by the host from the SVGA size).', `${S.wildEsx}; ${S.packer}`);
SIZE('vmotion.checkpointSVGAPrimarySize', 'Bytes of the SVGA primary surface saved in checkpoints.', S.wildEsx8);
SIZE('vmotion.svga.mobMaxSize', 'Maximum SVGA memory-object size carried over vMotion.', S.wildEsx8);
INT('vmotion.svga.graphicsMemoryKB', 'SVGA graphics memory (KB) recorded for vMotion compatibility.', S.wildEsx8);
BOOL('replay.supported', 'Record/replay support (Workstation 6.x/7.x and ESX 4 FT-era feature).', `${S.packer}; ${S.wildEsx}`);
PATH('replay.filename', 'Recording file for record/replay; empty when unused.', `${S.packer}; ${S.wildEsx}`);
BOOL('logging', 'Write vmware.log for this VM. Hardening guides of the 5.x era suggested FALSE; that hampers support.', S.stig5, { default: 'TRUE' });
INT('log.keepOld', 'Number of rotated vmware.log files kept. Hardening guides use 10.', `${S.stig5}; ${S.wildEsx}`, { default: '6', min: 0 });
SIZE('log.rotateSize', 'Rotate vmware.log when it reaches this many bytes (0 = never). Hardening guides use 1024000 (older: 100000).', `${S.stig5}; ${S.wildEsx}`, { default: '0', min: 0 });
PATH('log.fileName', 'Name or path of the VM log file.', 'vSphere Virtual Machine Administration, "Change the location of VM log files"', { default: 'vmware.log' });
INT('log.throttleBytesPerSec', 'Throttle for vmware.log output in bytes per second.', 'VMware KB on log throttling (log.throttleBytesPerSec)');

// ================================================================ power
const POWER_MODES = [['soft', 'Ask VMware Tools to do it gracefully in the guest'], ['hard', 'Act immediately on the virtual hardware'], ['default', 'Use the product\'s default behaviour']];
for (const op of ['powerOn', 'powerOff', 'suspend', 'reset']) {
  ENUM(`powerType.${op}`, `How the ${op} button/command acts: "soft" runs the Tools scripts in the guest, "hard" acts on the virtual hardware directly.`, `${S.packer}; ${S.wildEsx}`, POWER_MODES, { closed: true, default: 'default' });
}
BOOL('toolScripts.afterPowerOn', 'Run the VMware Tools "power on" script in the guest after power-on.', S.wildEsx, { default: 'TRUE' });
BOOL('toolScripts.afterResume', 'Run the VMware Tools "resume" script in the guest after resume.', S.wildEsx, { default: 'TRUE' });
BOOL('toolScripts.beforeSuspend', 'Run the VMware Tools "suspend" script in the guest before suspend.', S.wildEsx, { default: 'TRUE' });
BOOL('toolScripts.beforePowerOff', 'Run the VMware Tools "power off" script in the guest before a soft power-off.', S.wildEsx, { default: 'TRUE' });
BOOL('msg.autoAnswer', 'Answer pending questions automatically with the default choice (useful for headless VMs, e.g. the "moved or copied" question).', S.wsBlog, { default: 'FALSE' });
ENUM('answer.msg.uuid.altered', 'Pre-answers the "moved or copied?" question asked when uuid.location no longer matches.', S.cloudstack, [['I moved it', 'Keep uuid.bios'], ['I copied it', 'Create a new uuid.bios'], ['Cancel', 'Do not power on']]);
STR('answer.msg.{name}', 'Pre-answers the question with message id msg.{name}; the value is the label of the button to press.', S.cloudstack);

// ================================================================ storage
const DEVICE_TYPES = [
  ['cdrom-image', 'CD/DVD drive backed by an ISO image (fileName = path of the .iso)'],
  ['atapi-cdrom', 'CD/DVD drive passed through from the host (fileName = host device, e.g. /dev/scd0 or "auto detect")'],
  ['cdrom-raw', 'Raw host CD/DVD device (legacy passthrough)'],
  ['disk', 'Virtual disk (generic spelling used by hosted products)'],
  ['scsi-hardDisk', 'Virtual disk on a SCSI controller (ESX spelling)'],
  ['ata-hardDisk', 'Virtual disk on an IDE controller (ESX spelling)'],
  ['plainDisk', 'Plain (preallocated, descriptor-less) disk of very old products'],
  ['rawDisk', 'Raw host disk or partition'],
  ['scsi-passthru', 'Generic SCSI device passed through from the host'],
];
const DISK_MODES = [
  ['persistent', 'Changes are written to the disk immediately and are included in snapshots (the default)'],
  ['nonpersistent', 'Changes are discarded at power-off (legacy mode of ESX 2 / hosted products)'],
  ['undoable', 'Changes kept in a redo log; at power-off you choose to commit, keep or discard (legacy ESX 2 / hosted products)'],
  ['independent-persistent', 'Not affected by snapshots; changes written immediately. Snapshot-based backups skip such disks.'],
  ['independent-nonpersistent', 'Not affected by snapshots; changes discarded at power-off or revert. Snapshot-based backups skip such disks.'],
];
const BUSES = [
  { bus: 'ide', label: 'IDE', n: '0–1', m: '0–1', since: '' },
  { bus: 'scsi', label: 'SCSI', n: '0–3', m: '0–15 except 7 (64 per controller on ESXi 6.7+ PVSCSI)', since: '' },
  { bus: 'sata', label: 'SATA (AHCI)', n: '0–3', m: '0–29', since: ' SATA needs hardware version 10 (ESXi 5.5 / Workstation 10).' },
  { bus: 'nvme', label: 'NVMe', n: '0–3', m: '0–14 (0–63 on newer ESXi)', since: ' NVMe needs hardware version 13 (ESXi 6.5) or 14 on Workstation.' },
];
for (const b of BUSES) {
  const p = `${b.bus}{n}:{m}`;
  const where = `device {m} on ${b.label} controller {n} (controller ${b.n}, unit ${b.m}).${b.since}`;
  const src = b.bus === 'nvme' ? `${S.libvirt}; ${S.wildEsx8}` : S.libvirt;
  BOOL(`${p}.present`, `Whether ${where}`, src, { default: 'FALSE' });
  PATH(`${p}.fileName`, `Backing of ${b.label} device {n}:{m}: a .vmdk for disks, an .iso for cdrom-image, a host device for atapi-cdrom. Relative paths are relative to the VM folder; "emptyBackingString" or "" means no media.`, src);
  ENUM(`${p}.deviceType`, `Kind of ${b.label} device {n}:{m} (disk, CD image, host CD…). When absent on a disk the product infers it from the file.`, src, DEVICE_TYPES, { closed: false });
  ENUM(`${p}.mode`, `Disk mode of ${b.label} disk {n}:{m}. Independent disks are excluded from snapshots, so snapshot-based backups (VDR, VADP) skip them.`, `${S.libvirt}; ${S.domain}`, DISK_MODES, { closed: true, default: 'persistent' });
  BOOL(`${p}.startConnected`, `Connect ${b.label} device {n}:{m} at power-on (for removable devices).`, src, { default: 'TRUE' });
  BOOL(`${p}.autodetect`, `For a host CD on ${b.label} {n}:{m}: pick the host drive automatically.`, `${S.wildFusion}; ${S.packer}`);
  BOOL(`${p}.clientDevice`, `For a CD on ${b.label} {n}:{m}: back it with a drive on the client machine running the console (vSphere Client remote device).`, `${S.libvirt}; ${S.wildEsx}`, { default: 'FALSE' });
  BOOL(`${p}.ctkEnabled`, `Changed block tracking for ${b.label} disk {n}:{m}. Needs hardware version 7+ and ctkEnabled = "TRUE"; takes effect after a stun/unstun (snapshot or power cycle).`, `${S.domainCbt}; ${S.wildEsx}`, { default: 'FALSE' });
  PATH(`${p}.redo`, `Redo log of ${b.label} disk {n}:{m}; written empty by products and normally left alone.`, `${S.wildEsx}; ${S.packer}`, { default: '' });
  BOOL(`${p}.writeThrough`, `Write-through caching for ${b.label} disk {n}:{m} on hosted products (TRUE = no host write cache).`, S.libvirt, { default: 'FALSE' });
  BOOL(`${p}.virtualSSD`, `Report ${b.label} disk {n}:{m} to the guest as a solid-state drive.`, 'vSphere Virtual Machine Administration / Workstation docs (virtualSSD)', { default: 'FALSE' });
  BOOL(`${p}.allowGuestConnectionControl`, `Allow the guest (through Tools) to connect/disconnect removable ${b.label} device {n}:{m}.`, S.wildEsx8);
  ENUM(`sched.${p}.shares`, `Disk I/O shares of ${b.label} disk {n}:{m} (or a number).`, `${S.wildEsx}${b.bus === 'nvme' ? '; ' + S.wildEsx8 : ''}`, SHARES, { closed: false, default: 'normal' });
  STR(`sched.${p}.throughputCap`, `IOPS limit of ${b.label} disk {n}:{m}; "off" means unlimited.`, S.wildEsx, { default: 'off' });
}
ENUM('scsi{n}.virtualDev', 'SCSI controller model. The default depends on guestOS; a guest without the matching driver will not boot from it.', S.libvirt, [
  ['buslogic', 'BusLogic parallel SCSI (old guests such as Windows 2000/NT)'],
  ['lsilogic', 'LSI Logic parallel SCSI (Windows 2003, older Linux)'],
  ['lsisas1068', 'LSI Logic SAS (Windows 2008 and later; hardware version 7+)'],
  ['pvscsi', 'VMware Paravirtual SCSI (needs VMware Tools driver; hardware version 7+)'],
], { closed: true });
BOOL('scsi{n}.present', 'Whether SCSI controller {n} (0–3) exists.', S.libvirt, { default: 'FALSE' });
ENUM('scsi{n}.sharedBus', 'SCSI bus sharing for clustering: none, virtual (VMs on one host) or physical (VMs across hosts).', `${S.wildEsx}`, [['none', 'No sharing (the default)'], ['virtual', 'Share between VMs on the same host'], ['physical', 'Share between VMs on any host (MSCS/WSFC across boxes)']], { closed: true, default: 'none' });
INT('scsi{n}.pciSlotNumber', 'PCI slot assigned to SCSI controller {n}; written by the product, keeps device order stable in the guest.', `${S.wildEsx}; ${S.packer}`, { min: -1 });
STR('scsi{n}.sasWWID', 'SAS world wide id of an LSI SAS / PVSCSI controller (8 hex bytes).', S.wildEsx);
BOOL('buslogic.noDriver', 'Hosted products: remembers that the guest lacks a BusLogic driver (to warn before using that controller).', S.wildFusion);
BOOL('sata{n}.present', 'Whether SATA (AHCI) controller {n} (0–3) exists. Needs hardware version 10.', `${S.wildEsx}; ${S.packer}`, { default: 'FALSE' });
INT('sata{n}.pciSlotNumber', 'PCI slot assigned to SATA controller {n}.', S.wildEsx, { min: -1 });
BOOL('nvme{n}.present', 'Whether NVMe controller {n} (0–3) exists. Needs hardware version 13 on ESXi.', `${S.wildEsx8}; ${S.packer}`, { default: 'FALSE' });
INT('nvme{n}.pciSlotNumber', 'PCI slot assigned to NVMe controller {n}.', S.wildEsx8, { min: -1 });
UUID('nvme{n}.subnqnUUID', 'UUID used in the NVMe subsystem qualified name of controller {n}.', S.wildEsx8);
BOOL('ctkEnabled', 'VM-wide switch for changed block tracking (CBT), used by incremental backups. Needs hardware version 7+ plus per-disk scsiX:Y.ctkEnabled; becomes effective after a stun/unstun such as a snapshot create/delete or power cycle.', `${S.domainCbt}; ${S.wildEsx}`, { default: 'FALSE' });
BOOL('disk.EnableUUID', 'Expose disk UUIDs (SCSI page 0x83 ids) to the guest. vSphere 4.1 sets TRUE on new Windows 2008/2008 R2 VMs, which turns on application-consistent VSS quiescing; with VDR on VDDK 1.1.x that quiesce leaves a second redo log the backup cannot open. Set FALSE while powered off to fall back to file-system-consistent quiescing. Also needed by Kubernetes vSphere storage drivers.', `${S.domain}; ${S.wildEsx}`, { default: 'FALSE' });
BOOL('disk.locking', 'Hosted products: lock disk files while the VM runs (FALSE lets several VMs open a shared disk; risky).', 'VMware Workstation shared-disk clustering notes (disk.locking)', { default: 'TRUE' });

// ================================================================ floppy, serial, parallel, sound
for (const [kind, label, max] of [['floppy', 'floppy drive', '0–1'], ['serial', 'serial port', '0–3'], ['parallel', 'parallel port', '0–2']]) {
  const p = `${kind}{n}`;
  BOOL(`${p}.present`, `Whether ${label} {n} (${max}) exists.${kind === 'floppy' ? ' Floppy 0 exists unless set to FALSE; remove it when unused (hardening guides; a floppy device also broke VSS quiescing on 2008 R2).' : ''}`, kind === 'floppy' ? `${S.libvirt}; ${S.stig65}` : S.libvirt, { default: kind === 'floppy' ? 'TRUE' : 'FALSE' });
  PATH(`${p}.fileName`, `Backing of ${label} {n}: image file, host device, pipe name${kind === 'serial' ? ', or a network URI such as telnet://0.0.0.0:42001' : ''}.`, S.libvirt);
  ENUM(`${p}.fileType`, `Backing type of ${label} {n}.`, S.libvirt,
    kind === 'serial' ? [['device', 'Host serial device'], ['file', 'Output to a file'], ['pipe', 'Named pipe / Unix socket'], ['network', 'Network serial port (vSphere 4.1+)'], ['thinprint', 'ThinPrint virtual port']]
      : kind === 'parallel' ? [['device', 'Host parallel port'], ['file', 'Output to a file']]
        : [['device', 'Host floppy drive'], ['file', 'Floppy image (.flp/.img)']], { closed: true });
  BOOL(`${p}.startConnected`, `Connect ${label} {n} at power-on.`, S.libvirt, { default: 'TRUE' });
  BOOL(`${p}.autodetect`, `Pick the host ${label} automatically.`, S.packer);
  if (kind !== 'parallel') BOOL(`${p}.clientDevice`, `Back ${label} {n} with a device on the client running the console.`, S.libvirt, { default: 'FALSE' });
  BOOL(`${p}.allowGuestConnectionControl`, `Allow the guest to connect/disconnect ${label} {n} through Tools.`, 'vSphere hardening guide (device connection control)');
}
BOOL('floppy{n}.readonly', 'Open the floppy image read-only.', 'VMware Workstation floppy settings (floppy0.readonly)', { default: 'FALSE' });
BOOL('serial{n}.yieldOnMsrRead', 'Let the vCPU yield when the guest polls the serial port (recommended for kernel debugging over a pipe).', `${S.libvirt}; ${S.packer}`, { default: 'FALSE' });
BOOL('serial{n}.tryNoRxLoss', 'Try not to drop received characters (useful when the far end of a pipe is an application).', S.libvirt, { default: 'FALSE' });
ENUM('serial{n}.pipe.endPoint', 'For a pipe-backed serial port: whether this VM is the server or client end.', `${S.libvirt}; ${S.packer}`, [['server', 'This VM creates the pipe'], ['client', 'This VM connects to an existing pipe']], { closed: true });
ENUM('serial{n}.network.endPoint', 'For a network serial port: listen (server) or connect (client).', S.libvirt, [['server', 'Listen for connections (default)'], ['client', 'Connect out']], { closed: true, default: 'server' });
STR('serial{n}.vspc', 'URI of a virtual serial port concentrator the network serial port connects through.', `${S.libvirt}; ${S.wildEsx}`);
BOOL('serial{n}.hardwareFlowControl', 'Use RTS/CTS hardware flow control on the host side.', 'VMware Workstation serial port settings');
BOOL('parallel{n}.bidirectional', 'Bidirectional (PS/2-style) parallel port; must be FALSE for file output.', `${S.libvirt}; ${S.packer}`);
BOOL('sound.present', 'Whether a sound card exists (hosted products; not configurable in the vSphere Client).', `${S.libvirt}; ${S.packer}`, { default: 'FALSE' });
ENUM('sound.virtualDev', 'Sound card model.', `${S.wildGsx}; ${S.wsBlog}`, [['es1371', 'Creative Ensoniq AudioPCI ES1371'], ['sb16', 'Sound Blaster 16'], ['hdaudio', 'Intel High Definition Audio']], { closed: true });
STR('sound.fileName', 'Host audio device; "-1" selects the default device.', `${S.libvirt}; ${S.packer}`, { default: '-1' });
BOOL('sound.autodetect', 'Pick the host audio device automatically.', `${S.libvirt}; ${S.packer}`);
BOOL('sound.startConnected', 'Connect the sound card at power-on.', `${S.libvirt}; ${S.wildGsx}`, { default: 'TRUE' });
INT('sound.pciSlotNumber', 'PCI slot assigned to the sound card.', S.wildFusion, { min: -1 });

// ================================================================ network
const NIC = 'ethernet{n}';
BOOL(`${NIC}.present`, 'Whether virtual NIC {n} exists (0–9 on hosted products, 0–9 on ESXi).', S.libvirt, { default: 'FALSE' });
ENUM(`${NIC}.virtualDev`, 'NIC model. The default depends on guestOS; vmxnet3 needs the VMware Tools driver (except on recent Linux kernels).', S.libvirt, [
  ['vlance', 'AMD PCnet32 (Lance), the oldest and slowest'],
  ['vmxnet', 'VMware Vmxnet (first paravirtual NIC)'],
  ['vmxnet2', 'Enhanced Vmxnet (vmxnet with jumbo frames / TSO; also written as vmxnet + features = 15)'],
  ['vmxnet3', 'VMware Vmxnet3 paravirtual NIC (hardware 7+)'],
  ['e1000', 'Intel 82545EM gigabit'],
  ['e1000e', 'Intel 82574L gigabit (hardware 8+)'],
  ['vrdma', 'Paravirtual RDMA (hardware 13+)'],
  ['sriov', 'SR-IOV passthrough function'],
], { closed: true });
ENUM(`${NIC}.connectionType`, 'How NIC {n} connects (hosted products; ESX uses networkName).', S.libvirt, [['bridged', 'Bridged to a host network (default)'], ['nat', 'NAT through the host'], ['hostonly', 'Host-only network'], ['custom', 'Specific virtual network named by vnet'], ['pvn', 'LAN segment (private virtual network)']], { closed: true, default: 'bridged' });
STR(`${NIC}.networkName`, 'Port group (ESX) or network name the NIC connects to.', S.libvirt);
ENUM(`${NIC}.addressType`, 'Where the MAC address comes from. generated = derived from uuid.bios (00:0c:29 prefix); vpx = assigned by vCenter (00:50:56:80–bf); static = set in address (00:50:56:00–3f).', S.libvirt, [['generated', 'Generated by the host product from the VM UUID'], ['vpx', 'Assigned by vCenter'], ['static', 'Fixed MAC in ethernet{n}.address']], { closed: true, default: 'generated' });
MAC(`${NIC}.address`, 'Static MAC address, used when addressType = "static". Outside 00:50:56:00:00:00–00:50:56:3f:ff:ff the product refuses it unless checkMACAddress = "FALSE".', S.libvirt);
MAC(`${NIC}.generatedAddress`, 'MAC address the product generated (addressType generated or vpx). Written by the product.', S.libvirt);
INT(`${NIC}.generatedAddressOffset`, 'Offset added to the generated MAC for NIC {n} (0, 10, 20… for successive NICs).', `${S.libvirt}; ${S.wildGsx}`, { min: 0 });
BOOL(`${NIC}.checkMACAddress`, 'Set FALSE to allow a static MAC outside VMware\'s range.', S.libvirt, { default: 'TRUE' });
BOOL(`${NIC}.startConnected`, 'Connect NIC {n} at power-on.', S.libvirt, { default: 'TRUE' });
BOOL(`${NIC}.wakeOnPcktRcv`, 'Wake-on-LAN: resume the VM when a packet arrives (vlance/vmxnet/e1000 on hosted products).', S.packer, { default: 'FALSE' });
PATH(`${NIC}.vnet`, 'Host virtual network device for connectionType custom, e.g. /dev/vmnet2 (Linux) or VMnet2 (Windows).', `${S.libvirt}; ${S.wildGsx}`);
INT(`${NIC}.pciSlotNumber`, 'PCI slot assigned to NIC {n}; keeps interface order stable in the guest.', `${S.wildEsx}; ${S.packer}`, { min: -1 });
BOOL(`${NIC}.allowGuestConnectionControl`, 'Allow the guest to connect/disconnect NIC {n} through Tools.', S.wildEsx8);
BOOL(`${NIC}.uptCompatibility`, 'vmxnet3 only: allow Uniform Passthrough (DirectPath I/O with vMotion).', S.wildEsx);
BOOL(`${NIC}.linkStatePropagation.enable`, 'Hosted products: pass the host link state (cable unplugged) through to the guest.', `${S.wildFusion}; ${S.packer}`);
INT(`${NIC}.features`, 'Feature bits of a vmxnet NIC; 15 turns a vmxnet into Enhanced vmxnet (vmxnet2).', S.libvirt);
UUID(`${NIC}.pvnID`, 'LAN segment (private virtual network) id for connectionType pvn.', S.wildGsx);
STR(`${NIC}.bsdName`, 'Fusion: host interface name bridged to (e.g. en0).', S.packer);
STR(`${NIC}.displayName`, 'Label of the NIC shown by hosted products.', S.packer);
UUID(`${NIC}.opaqueNetwork.id`, 'Id of an NSX opaque network the NIC connects to.', S.wildEsx);
STR(`${NIC}.opaqueNetwork.type`, 'Type of the opaque network, e.g. "nsx.LogicalSwitch".', S.wildEsx);
STR(`${NIC}.externalId`, 'External id of the port (NSX/OpenStack).', S.wildEsx);
ENUM(`${NIC}.shares`, 'Network I/O shares of NIC {n} (Network I/O Control), or a number.', S.wildEsx, SHARES, { closed: false, default: 'normal' });
UUID(`${NIC}.dvs.switchId`, 'Distributed switch UUID of the port NIC {n} is attached to.', S.libvirtVds);
STR(`${NIC}.dvs.portId`, 'Port key on the distributed switch.', S.libvirtVds);
STR(`${NIC}.dvs.portgroupId`, 'Distributed port group key (e.g. dvportgroup-1285).', S.libvirtVds);
STR(`${NIC}.dvs.connectionId`, 'Connection cookie of the distributed port.', S.libvirtVds);
STR(`${NIC}.filter{m}.name`, 'Name of dvfilter {m} on NIC {n} (network introspection/firewall). Hardening guides ask to verify any such filter.', S.stig5);
STR(`${NIC}.filter{m}.onFailure`, 'What happens to traffic when dvfilter {m} fails ("failOpen"/"failClosed").', S.stig5);

// ================================================================ USB and input
BOOL('usb.present', 'Whether a USB 1.1 (UHCI) controller exists.', `${S.libvirt}; ${S.packer}`, { default: 'FALSE' });
INT('usb.pciSlotNumber', 'PCI slot of the UHCI controller.', `${S.wildFusion}; ${S.packer}`, { min: -1 });
BOOL('ehci.present', 'Whether a USB 2.0 (EHCI) controller exists (needs usb.present too).', `${S.packer}; DOMAIN.md section 5`, { default: 'FALSE' });
INT('ehci.pciSlotNumber', 'PCI slot of the EHCI controller.', `${S.wildFusion}; ${S.packer}`, { min: -1 });
BOOL('usb_xhci.present', 'Whether a USB 3 (xHCI) controller exists (hardware 8+).', S.wildEsx8, { default: 'FALSE' });
INT('usb_xhci.pciSlotNumber', 'PCI slot of the xHCI controller.', S.wildEsx8, { min: -1 });
BOOL('usb.generic.autoconnect', 'Hosted products: connect newly plugged host USB devices to the VM while it has focus.', `${S.wildGsx}; ${S.wsBlog}`);
STR('usb.autoConnect.device{n}', 'Host USB device to connect automatically at power-on, as "vid:0xVVVV pid:0xPPPP" or a path.', 'VMware Workstation USB auto-connect settings (usb.autoConnect.deviceN)');
BOOL('usb.vbluetooth.startConnected', 'Share the host Bluetooth adapter with the guest at power-on (Workstation/Fusion).', `${S.wildFusion}; ${S.wsBlog}`);
for (const ctl of ['usb', 'usb_xhci', 'ehci']) {
  const p = `${ctl}:{n}`;
  const lbl = ctl === 'usb' ? 'UHCI' : ctl === 'ehci' ? 'EHCI' : 'xHCI';
  BOOL(`${p}.present`, `Whether USB device slot {n} on the ${lbl} controller is populated (virtual HID, hub, or passed-through device).`, ctl === 'usb_xhci' ? S.wildEsx8 : S.wildFusion);
  ENUM(`${p}.deviceType`, `Kind of virtual USB device in slot {n} on the ${lbl} controller.`, ctl === 'usb_xhci' ? S.wildEsx8 : S.wildFusion, [['hid', 'Virtual keyboard/mouse'], ['hub', 'Virtual hub'], ['mouse', 'Virtual mouse'], ['keyboard', 'Virtual keyboard'], ['video', 'Virtual webcam'], ['pvscsi', 'USB storage']], { closed: false });
  INT(`${p}.port`, `Port number of USB device {n} on the ${lbl} controller.`, ctl === 'usb_xhci' ? S.wildEsx8 : S.wildFusion);
  INT(`${p}.parent`, `Parent hub of USB device {n} (-1 = root hub).`, ctl === 'usb_xhci' ? S.wildEsx8 : S.wildFusion);
  INT(`${p}.speed`, `Speed class of USB device {n} (1 = full, 2 = high, 4 = super speed).`, S.wildFusion);
}
BOOL('mouse.vusb.enable', 'Present the mouse to the guest as a USB device (needed by some guests such as macOS).', 'VMware Fusion / Workstation input settings (mouse.vusb.enable)');
BOOL('keyboard.vusb.enable', 'Present the keyboard to the guest as a USB device.', 'VMware Fusion / Workstation input settings (keyboard.vusb.enable)');
INT('keyboard.typematicMinDelay', 'Minimum auto-repeat delay in microseconds for key presses sent to the guest (raise it to stop doubled keys over slow consoles; 2000000 is common).', 'VMware KB on repeated characters in the console (keyboard.typematicMinDelay)', { min: 0 });

// ================================================================ VMware Tools and time
BOOL('tools.syncTime', 'Periodic guest clock sync with the host by VMware Tools. One-off syncs (resume, snapshot revert…) are governed by time.synchronize.*.', `${S.packer}; ${S.wildEsx}`, { default: 'FALSE' });
ENUM('tools.upgrade.policy', 'When VMware Tools gets upgraded.', `${S.packer}; ${S.wildEsx}`, [['manual', 'Only when a user asks'], ['upgradeAtPowerCycle', 'Check and upgrade at each power cycle'], ['useGlobal', 'Hosted products: follow the global preference']], { closed: true, default: 'manual' });
BOOL('tools.remindInstall', 'Remind the user to install VMware Tools.', `${S.wildGsx}; ${S.wildEsx}`, { default: 'TRUE' });
BOOL('tools.guest.desktop.autolock', 'Lock the guest desktop when the last remote console disconnects (hardening setting).', `${S.wildEsx}; ${S.stig65}`, { default: 'FALSE' });
BOOL('tools.guestlib.enableHostInfo', 'Let the guest read host information (performance data) through the guest SDK. Hardening guides require FALSE.', `${S.stig5}; ${S.wildEsx}`, { default: 'FALSE' });
SIZE('tools.setInfo.sizeLimit', 'Maximum bytes of guest-to-host information (VMX setinfo) the guest may write; limits log/datastore flooding. Hardening value 1048576.', `${S.stig5}; ${S.wildEsx}`, { default: '1048576', min: 0 });
BOOL('tools.capability.verifiedSamlToken', 'Allow guest operations authenticated with vCenter SAML tokens (Guest Operations API).', 'vSphere Web Services SDK, guest operations with SAML tokens');
for (const [k, d] of [
  ['time.synchronize.continue', 'Sync the guest clock after a snapshot is taken.'],
  ['time.synchronize.restore', 'Sync the guest clock after a snapshot is reverted.'],
  ['time.synchronize.resume.disk', 'Sync the guest clock after resuming from suspend.'],
  ['time.synchronize.resume.host', 'Sync the guest clock after the host resumes from sleep.'],
  ['time.synchronize.shrink', 'Sync the guest clock after a disk shrink.'],
  ['time.synchronize.tools.startup', 'Sync the guest clock when the Tools service starts.'],
  ['time.synchronize.tools.enable', 'Master switch for all one-off Tools time syncs (FALSE turns them all off).'],
]) BOOL(k, `${d} Set all of them to FALSE to stop Tools from ever setting the clock.`, S.wildEsx, { default: 'TRUE' });

// ================================================================ isolation (hardening)
const ISO = [
  ['isolation.tools.copy.disable', 'Block copying from the guest to the remote console clipboard.', 'TRUE', `${S.stig5}; ${S.stig65}`],
  ['isolation.tools.paste.disable', 'Block pasting from the remote console clipboard into the guest.', 'TRUE', `${S.stig5}; ${S.stig65}`],
  ['isolation.tools.dnd.disable', 'Block drag and drop between console and guest.', 'TRUE', `${S.stig5}; ${S.cis}`],
  ['isolation.tools.diskShrink.disable', 'Block guest-initiated virtual disk shrinking (a non-admin guest user could otherwise cause denial of service).', 'TRUE', `${S.stig5}; ${S.cis}`],
  ['isolation.tools.diskWiper.disable', 'Block the Tools disk wiper (prepare-for-shrink).', 'TRUE', `${S.stig5}; ${S.cis}`],
  ['isolation.tools.hgfsServerSet.disable', 'Block the guest from registering a shared-folders (HGFS) server.', 'TRUE', S.stig5],
  ['isolation.tools.autoInstall.disable', 'Block automatic VMware Tools installation/upgrade initiated from the guest.', 'TRUE', S.stig5],
  ['isolation.tools.ghi.autologon.disable', 'Disable guest auto-logon through Tools (unexposed feature).', 'TRUE', `${S.stig5}; ${S.cis}`],
  ['isolation.tools.ghi.launchmenu.change', 'Block guest launch-menu changes through Tools (unexposed feature).', 'TRUE', S.stig5],
  ['isolation.tools.memSchedFakeSampleStats.disable', 'Disable the fake memory-scheduler statistics RPC (unexposed feature).', 'TRUE', S.stig5],
  ['isolation.tools.ghi.protocolhandler.info.disable', 'Disable guest protocol-handler queries (unexposed feature).', 'TRUE', `${S.stig5}; ${S.cis}`],
  ['isolation.ghi.host.shellAction.disable', 'Disable host shell actions requested by the guest (unexposed feature).', 'TRUE', `${S.stig5}; ${S.cis}`],
  ['isolation.tools.dispTopoRequest.disable', 'Disable display-topology requests from the guest (unexposed feature).', 'TRUE', `${S.stig5}; ${S.cis}`],
  ['isolation.tools.trashFolderState.disable', 'Disable trash-folder state queries (unexposed feature).', 'TRUE', `${S.stig5}; ${S.cis}`],
  ['isolation.tools.ghi.trayicon.disable', 'Disable guest tray-icon integration (unexposed feature).', 'TRUE', `${S.stig5}; ${S.cis}`],
  ['isolation.tools.unity.disable', 'Disable Unity mode (unexposed on vSphere).', 'TRUE', S.stig5],
  ['isolation.tools.unityInterlockOperation.disable', 'Disable Unity interlock operations (unexposed feature).', 'TRUE', S.stig5],
  ['isolation.tools.unity.push.update.disable', 'Disable Unity push updates (unexposed feature).', 'TRUE', `${S.stig5}; ${S.cis}`],
  ['isolation.tools.unity.taskbar.disable', 'Disable the Unity taskbar (unexposed feature).', 'TRUE', `${S.stig5}; ${S.cis}`],
  ['isolation.tools.unityActive.disable', 'Disable Unity activation (unexposed feature).', 'TRUE', `${S.stig5}; ${S.cis}`],
  ['isolation.tools.unity.windowContents.disable', 'Disable Unity window-contents transfer (unexposed feature).', 'TRUE', `${S.stig5}; ${S.cis}`],
  ['isolation.tools.vmxDnDVersionGet.disable', 'Disable the drag-and-drop version query (unexposed feature).', 'TRUE', `${S.stig5}; ${S.cis}`],
  ['isolation.tools.guestDnDVersionSet.disable', 'Disable setting the guest drag-and-drop version (unexposed feature).', 'TRUE', `${S.stig5}; ${S.cis}`],
  ['isolation.tools.vixMessage.disable', 'Block VIX messages from the guest (breaks guest operations through VIX).', 'TRUE', S.stig5],
  ['isolation.tools.getCreds.disable', 'Block the guest credential RPC (unexposed feature).', 'TRUE', S.stig5],
  ['isolation.bios.bbs.disable', 'Disable BIOS boot-specification (BBS) changes from the guest.', 'TRUE', `${S.stig5}; ${S.cis}`],
  ['isolation.monitor.control.disable', 'Stop the guest from detecting it runs in a VM (monitor control). Hardening guides mark it "not recommended": it breaks Tools.', 'TRUE', S.stig5],
  ['isolation.device.connectable.disable', 'Stop non-admin guest users from connecting/disconnecting devices (CD, NIC…) through Tools.', 'TRUE', `${S.stig5}; ${S.wildEsx}`],
  ['isolation.device.edit.disable', 'Stop guest users from changing device settings through Tools.', 'TRUE', `${S.stig5}; ${S.wildEsx}`],
  ['isolation.tools.hgfs.disable', 'Turn off shared folders (HGFS) for this VM. libvirt notes the effective default is TRUE on ESX.', 'TRUE', `${S.libvirt}; ${S.packer}`],
  ['isolation.tools.setPtrLocation.disable', 'Block the guest from moving the host pointer.', 'TRUE', S.wsBlog],
  ['isolation.tools.getPtrLocation.disable', 'Block the guest from reading the host pointer position.', 'TRUE', S.wsBlog],
  ['isolation.tools.setVersion.disable', 'Block the guest from reporting its Tools version.', 'TRUE', S.wsBlog],
  ['isolation.tools.getVersion.disable', 'Block the guest from reading the VMX version.', 'TRUE', S.wsBlog],
];
for (const [k, d, hard, src] of ISO) BOOL(k, `${d} Hardening value: ${hard}.`, src);
BOOL('isolation.tools.setGUIOptions.enable', 'Allow the guest to change console GUI options, which enables copy/paste. Hardening value: FALSE.', `${S.stig5}; ${S.stig65}`, { default: 'FALSE' });
BOOL('vmci{n}.unrestricted', 'Allow VMCI communication between this VM and other VMs (not only the host). Hardening value: FALSE (removed in ESXi 5.1).', S.stig5, { default: 'FALSE' });
BOOL('vmci{n}.present', 'Whether the VMCI device (VM-to-host communication used by Tools, vSockets) exists.', `${S.wildEsx}; ${S.packer}`, { default: 'TRUE' });
INT('vmci{n}.id', 'VMCI context id of the VM; written by the product (signed 32-bit).', `${S.wildEsx}; ${S.packer}`);
INT('vmci{n}.pciSlotNumber', 'PCI slot of the VMCI device.', `${S.wildEsx}; ${S.packer}`, { min: -1 });

// ================================================================ scheduling and memory
INT('sched.mem.min', 'Memory reservation in MB (guaranteed host memory).', S.wildEsx, { default: '0', min: 0 });
INT('sched.mem.minSize', 'Memory reservation in MB (alias written next to sched.mem.min; libvirt maps it to min_guarantee).', `${S.libvirt}; ${S.wildEsx}`, { default: '0', min: 0 });
INT('sched.mem.max', 'Memory limit in MB, or "unlimited" (the default). Below memsize the host balloons/swaps the VM even without contention.', S.libvirt, { min: 0, values: [{ value: 'unlimited', description: 'No limit (the default)' }], closed: false, default: 'unlimited' });
ENUM('sched.mem.shares', 'Memory shares: low/normal/high (5/10/20 per MB of memsize) or a number.', `${S.wildEsx}; ${S.esx2}`, SHARES, { closed: false, default: 'normal' });
INT('sched.mem.maxmemctl', 'Most memory (MB) the balloon driver (vmmemctl) may reclaim from the VM; beyond it the host swaps. 0 disables ballooning for the VM.', `${S.esx2}; ${S.wsBlog}`, { min: 0 });
BOOL('sched.mem.pin', 'Pin (lock) all guest memory in host RAM; used with a full reservation for latency-sensitive VMs.', 'vSphere Resource Management, latency sensitivity / memory pinning (sched.mem.pin)', { default: 'FALSE' });
BOOL('sched.mem.pshare.enable', 'Allow transparent page sharing for this VM.', `${S.memAttr}; ${S.wsBlog}`, { default: 'TRUE' });
STR('sched.mem.pshare.salt', 'Salt for transparent page sharing: only VMs with the same salt share pages (used when Mem.ShareForceSalting is 1 or 2).', S.memAttr);
LIST('sched.mem.affinity', 'NUMA node(s) the VM memory should come from, or "all".', S.esx2, { default: 'all' });
BOOL('sched.mem.prealloc', 'Hosted products / ESXi: allocate all guest memory at power-on.', 'vSphere Resource Management, memory allocation options');
INT('sched.cpu.min', 'CPU reservation (in sched.cpu.units, usually MHz).', S.libvirt, { default: '0', min: 0 });
INT('sched.cpu.max', 'CPU limit (in sched.cpu.units) or "unlimited".', S.wildEsx, { min: 0, values: [{ value: 'unlimited', description: 'No limit (the default)' }], closed: false, default: 'unlimited' });
ENUM('sched.cpu.shares', 'CPU shares: low/normal/high (500/1000/2000 per vCPU) or a number.', S.libvirt, SHARES, { closed: false, default: 'normal' });
ENUM('sched.cpu.units', 'Unit of sched.cpu.min/max.', S.wildEsx, [['mhz', 'Megahertz'], ['pct', 'Percent of one physical CPU']], { closed: true, default: 'mhz' });
LIST('sched.cpu.affinity', 'Physical CPUs the vCPUs may run on (comma-separated list) or "all". Breaks DRS/vMotion.', S.libvirt, { default: 'all' });
ENUM('sched.cpu.latencySensitivity', 'Latency sensitivity (vSphere 5.5+). "high" gives exclusive physical cores; needs full CPU and memory reservations.', S.wildEsx, [['low', 'Low'], ['normal', 'Normal (default)'], ['medium', 'Medium'], ['high', 'High: exclusive pCPUs']], { closed: true, default: 'normal' });
ENUM('sched.cpu.htsharing', 'Hyper-threading core sharing for this VM.', 'vSphere Resource Management, hyperthreaded core sharing', [['any', 'Share cores with any vCPU (default)'], ['internal', 'Share only among this VM\'s vCPUs'], ['none', 'Never share a core']], { closed: true, default: 'any' });
BOOL('sched.cpu.vsmpConsolidate', 'Prefer packing the VM\'s vCPUs onto as few last-level caches as possible.', 'vSphere Resource Management, Advanced Virtual Machine Attributes');
PATH('sched.swap.derivedName', 'Path of the VMkernel swap file (.vswp) the host created; written by the host.', S.wildEsx);
PATH('sched.swap.dir', 'Folder where the host puts the VM\'s .vswp swap file (default: VM folder or the host/cluster swap datastore).', 'vSphere Resource Management, swap file location (sched.swap.dir)');
BOOL('sched.swap.persist', 'Keep the swap file after power-off.', 'vSphere Resource Management, Advanced Virtual Machine Attributes', { default: 'FALSE' });
BOOL('sched.swap.vmxSwapEnabled', 'Let the host swap the VMX process overhead memory to a file (.vmx-*.vswp).', 'vSphere Resource Management, VMX swap files', { default: 'TRUE' });
PATH('sched.swap.vmxSwapDir', 'Folder for the VMX overhead swap file.', 'vSphere Resource Management, VMX swap files');
BOOL('mainMem.useNamedFile', 'Hosted products: back guest memory with a .vmem file in the VM folder (FALSE uses anonymous memory, less disk I/O).', S.wsBlog, { default: 'TRUE' });
ENUM('mainMem.backing', 'Hosted products: how guest memory is backed.', 'VMware Workstation memory tuning notes (mainMem.backing)', [['named', 'Named file'], ['swap', 'Host swap / anonymous memory']]);
BOOL('mainMem.partialLazySave', 'Write memory to the suspend/snapshot file lazily.', 'VMware Workstation memory tuning notes');
BOOL('mainMem.partialLazyRestore', 'Read memory back lazily when resuming.', 'VMware Workstation memory tuning notes');
INT('MemTrimRate', 'Rate at which hosted products give unused guest memory back to the host; 0 turns trimming off (faster guest, more host RAM), -1 is the default policy.', `${S.wildFusion}; ${S.wsBlog}`, { min: -1 });
BOOL('MemAllowAutoScaleDown', 'Hosted products: let the product lower memsize automatically when the host has less memory.', `${S.wildGsx}; ${S.wildFusion}`);
INT('prefvmx.minVmMemPct', 'Hosted products: percentage of guest memory that must fit in host RAM.', 'VMware Workstation memory preferences (prefvmx.minVmMemPct)', { min: 0, max: 100 });
BOOL('prefvmx.useRecommendedLockedMemSize', 'Hosted products: use the recommended amount of locked host memory.', S.wsBlog);
INT('mem.ShareScanTotal', 'Page-sharing scan rate (pages per second) for the whole host; per-VM copies appear in hosted .vmx tuning recipes (0 = off).', `${S.wsBlog}; ESX Server 2.x Administration Guide (Mem.ShareScanTotal)`);
INT('mem.ShareScanVM', 'Per-VM page-sharing scan rate (0 = off).', `${S.wsBlog}; ESX Server 2.x Administration Guide (Mem.ShareScanVM)`);

// ================================================================ NUMA
BOOL('numa.autosize', 'Size virtual NUMA nodes to the host\'s physical nodes (vCPUs per node = cores per physical node).', S.numa, { default: 'FALSE' });
BOOL('numa.autosize.once', 'Work out the virtual NUMA topology once and keep it (re-evaluated only when the vCPU count changes).', S.numa, { default: 'TRUE' });
INT('numa.autosize.cookie', 'Written by the host to remember the virtual NUMA layout it chose.', S.wildEsx);
INT('numa.autosize.vcpu.maxPerVirtualNode', 'Written by the host: vCPUs per virtual NUMA node it chose.', S.wildEsx, { min: 1 });
INT('numa.vcpu.maxPerVirtualNode', 'vCPUs per virtual NUMA node; set it instead of cpuid.coresPerSocket when powers of two are too restrictive.', S.numa, { default: '8', min: 1 });
INT('numa.vcpu.min', 'Fewest vCPUs a VM needs before a virtual NUMA topology is exposed.', S.numa, { default: '9', min: 1 });
INT('numa.vcpu.maxPerMachineNode', 'Most vCPUs of this VM scheduled on one physical NUMA node at once.', S.numa, { min: 1 });
INT('numa.vcpu.maxPerClient', 'Most vCPUs in one NUMA client (the unit the NUMA scheduler places).', S.numa, { min: 1 });
LIST('numa.nodeAffinity', 'Physical NUMA nodes the VM may use (comma-separated). Limits load balancing.', S.numa);
BOOL('numa.mem.interleave', 'Interleave memory across the NUMA nodes the VM uses when it has no virtual NUMA.', S.numa, { default: 'TRUE' });
BOOL('numa.vcpu.preferHT', 'Count hyper-threads when fitting the VM into one NUMA node (keep it local at the price of shared cores).', 'vSphere Resource Management, Advanced Virtual NUMA Attributes (numa.vcpu.preferHT)', { default: 'FALSE' });

// ================================================================ monitor
INT('monitor.phys_bits_used', 'Written by the host: physical address bits exposed to the guest.', S.wildEsx8);
ENUM('monitor.virtual_mmu', 'Use of hardware MMU virtualization (EPT/RVI).', `${S.wsBlog}; ${S.pyvmomiMmu}`, [['automatic', 'Let the product decide'], ['hardware', 'Use EPT/RVI'], ['software', 'Shadow page tables']], { closed: true, default: 'automatic' });
ENUM('monitor.virtual_exec', 'Use of hardware CPU virtualization (VT-x/AMD-V) versus binary translation.', S.wsBlog, [['automatic', 'Let the product decide'], ['hardware', 'Use VT-x/AMD-V'], ['software', 'Binary translation']], { closed: true, default: 'automatic' });
for (const [k, d] of [
  ['monitor_control.restrict_backdoor', 'Restrict the VMware backdoor I/O port to privileged guest code (breaks Tools in user space).'],
  ['monitor_control.enable_fullcpuid', 'Pass more host CPUID leaves through unchanged.'],
  ['monitor_control.disable_directexec', 'Turn off direct execution of guest user code (everything goes through the monitor).'],
  ['monitor_control.disable_chksimd', 'Turn off a binary-translation SIMD check.'],
  ['monitor_control.disable_ntreloc', 'Turn off a binary-translation relocation optimisation.'],
  ['monitor_control.disable_selfmod', 'Turn off self-modifying code detection optimisation.'],
  ['monitor_control.disable_reloc', 'Turn off translated-code relocation.'],
  ['monitor_control.disable_btinout', 'Turn off binary translation of IN/OUT instructions.'],
  ['monitor_control.disable_btmemspace', 'Turn off binary translation of memory-space accesses.'],
  ['monitor_control.disable_btpriv', 'Turn off binary translation of privileged instructions.'],
  ['monitor_control.disable_btseg', 'Turn off binary translation of segment operations.'],
  ['monitor_control.vt32', 'Use hardware virtualization for 32-bit guests.'],
  ['monitor_control.pseudo_perfctr', 'Provide pseudo performance counters (rdpmc returns elapsed/real time) to the guest.'],
]) BOOL(k, `${d} Low-level monitor switch seen in anti-detection and troubleshooting recipes; unsupported.`, S.wsBlog);

// ================================================================ display and console
BOOL('svga.present', 'Whether the SVGA display adapter exists.', S.wildEsx, { default: 'TRUE' });
SIZE('svga.vramSize', 'Video memory in bytes (libvirt maps it to KB). 4 MB default on old ESX; up to 128 MB with 3D / 2 GB on newer hardware versions.', `${S.libvirt}; ${S.vmcloak}`, { min: 0 });
BOOL('svga.autodetect', 'Size video memory from the display settings automatically.', `${S.vmcloak}; ${S.wsBlog}`, { default: 'TRUE' });
INT('svga.maxWidth', 'Largest horizontal resolution the SVGA adapter offers.', S.vmcloak, { min: 1 });
INT('svga.maxHeight', 'Largest vertical resolution the SVGA adapter offers.', S.vmcloak, { min: 1 });
INT('svga.graphicsMemoryKB', 'Graphics (3D) memory in KB (hardware 12+).', S.vmcloak, { min: 0 });
BOOL('svga.guestBackedPrimaryAware', 'Written by the product: the guest driver understands guest-backed primary surfaces.', S.wildEsx8);
BOOL('svga.vgaOnly', 'Plain VGA only, without the SVGA II device (hardening for server VMs; no 3D, no high resolutions).', 'vSphere 6.x hardening guide (svga.vgaOnly)', { default: 'FALSE' });
INT('svga.numDisplays', 'Number of virtual monitors.', 'vSphere Virtual Machine Administration, video card settings', { default: '1', min: 1, max: 10 });
BOOL('mks.enable3d', 'Turn on 3D acceleration for the console (Workstation/Fusion, ESXi with vSGA). Hardening guides set FALSE on servers.', `${S.wildFusion}; ${S.wildEsx}; ${S.cis}`, { default: 'FALSE' });
BOOL('mks.noBeep', 'Silence the guest PC speaker on the host.', S.wsBlog, { default: 'FALSE' });
BOOL('mks.gl.allowBlacklistedDrivers', 'Hosted products: use 3D even with host GPU drivers VMware blocklists.', S.vmcloak, { default: 'FALSE' });
INT('RemoteDisplay.maxConnections', 'Most simultaneous remote console connections; -1 = unlimited. Hardening value 1.', `${S.stig5}; ${S.wildEsx}`, { default: '-1', min: -1 });
BOOL('RemoteDisplay.vnc.enabled', 'Built-in VNC server for the console (Workstation, ESXi up to 6.7; removed in ESXi 7.0).', `${S.vnc}; ${S.ansibleVnc}`, { default: 'FALSE' });
INT('RemoteDisplay.vnc.port', 'TCP port of the built-in VNC server (5900 and up; open the host firewall on ESXi).', `${S.vnc}; ${S.ansibleVnc}`, { min: 1, max: 65535 });
STR('RemoteDisplay.vnc.password', 'VNC password (stored in clear text in the .vmx; VNC uses only 8 characters).', S.ansibleVnc);
STR('RemoteDisplay.vnc.key', 'Obfuscated form of the VNC password written by the product.', S.ansibleVnc);
STR('RemoteDisplay.vnc.keyMap', 'Keyboard map of the VNC server (e.g. "us", "de").', S.ansibleVnc);
STR('RemoteDisplay.vnc.ip', 'Address the VNC server listens on.', 'seen in .vmx recipes setting RemoteDisplay.vnc.ip = "127.0.0.1"');
STR('RemoteDisplay.vnc.auth', 'VNC authentication mode ("none" disables the password).', 'seen in .vmx recipes setting RemoteDisplay.vnc.auth');
BOOL('gui.fullScreenAtPowerOn', 'Workstation: enter full screen at power-on.', S.packer, { default: 'FALSE' });
ENUM('gui.viewModeAtPowerOn', 'Workstation/Fusion: view mode at power-on.', S.packer, [['windowed', 'Window'], ['fullscreen', 'Full screen'], ['unity', 'Unity']]);
ENUM('gui.lastPoweredViewMode', 'Workstation/Fusion: view mode when last powered off.', 'seen in Workstation-written .vmx files', [['windowed', 'Window'], ['fullscreen', 'Full screen'], ['unity', 'Unity']]);
BOOL('gui.exitOnCLIHLT', 'Close the console window when the guest halts.', S.wsBlog);
BOOL('gui.exitAtPowerOff', 'Close the VM tab/window when the VM powers off.', 'VMware Workstation preferences written per VM');
BOOL('gui.powerOnAtStartup', 'Power on the VM when the UI opens it.', 'VMware Workstation preferences written per VM');

// ================================================================ snapshots
BOOL('snapshot.redoNotWithParent', 'Put snapshot redo logs in workingDir instead of next to the parent disk.', 'VMware KB on snapshot file location (snapshot.redoNotWithParent with workingDir)', { default: 'FALSE' });
ENUM('snapshot.action', 'Hosted products: what to do with the snapshot at power-off.', 'VMware Workstation snapshot options (snapshot.action)', [['keep', 'Just power off'], ['autoRevert', 'Revert to the snapshot'], ['autoCommit', 'Take a new snapshot'], ['prompt', 'Ask']], { closed: true, default: 'keep' });
BOOL('snapshot.disabled', 'Forbid taking snapshots of the VM.', 'VMware KB on disabling snapshots (snapshot.disabled)', { default: 'FALSE' });
INT('snapshot.maxSnapshots', 'Most snapshots allowed for the VM (0 also disables snapshots).', 'VMware KB on limiting snapshots (snapshot.maxSnapshots)', { min: 0 });

// ================================================================ BIOS / boot
LIST('bios.bootOrder', 'Boot device order, comma-separated: cdrom, hdd, floppy, ethernet (e.g. "cdrom,hdd"; packer writes "hdd,cdrom"). Overrides the BIOS setup order.', `${S.packer}; ${S.domain5}`);
INT('bios.bootDelay', 'Milliseconds to wait at the BIOS/EFI splash (time to press F2/Esc).', S.wildEsx, { default: '0', min: 0, max: 10000 });
BOOL('bios.forceSetupOnce', 'Enter BIOS/EFI setup at next power-on; the product resets it to FALSE afterwards.', `${S.wsBlog}; ${S.domain5}`, { default: 'FALSE' });
LIST('bios.hddOrder', 'Hard-disk boot order, e.g. "scsi0:0,ide0:0".', 'VMware BIOS boot options (bios.hddOrder)');
BOOL('bios.bootRetry.enabled', 'Retry booting when no boot device is found.', 'vSphere Virtual Machine Administration, boot options (failed boot recovery)', { default: 'FALSE' });
INT('bios.bootRetry.delay', 'Seconds before retrying a failed boot.', 'vSphere Virtual Machine Administration, boot options (failed boot recovery)', { default: '10', min: 1 });

// ================================================================ PCI topology and passthrough
BOOL('pciBridge{n}.present', 'Whether PCI bridge {n} exists (bridge 0, and PCIe root ports 4–7 with 8 functions each on HW7+).', `${S.wildEsx}; ${S.packer}`);
ENUM('pciBridge{n}.virtualDev', 'Kind of PCI bridge.', S.wildEsx, [['pcieRootPort', 'PCI Express root port (8 functions)'], ['pciRootBridge', 'PCI root bridge (ESXi 8 layouts)'], ['pciBridge', 'Conventional PCI-to-PCI bridge']], { closed: false });
INT('pciBridge{n}.functions', 'Number of functions (slots) the bridge offers; 8 for PCIe root ports.', S.wildEsx, { min: 1, max: 8 });
INT('pciBridge{n}.pciSlotNumber', 'PCI slot of bridge {n} (17 for bridge 0, 21–24 for 4–7 in common layouts).', `${S.wildEsx}; ${S.packer}`, { min: -1 });
INT('pciBridge{n}.pxm', 'NUMA proximity domain of root bridge {n} (-1 = none).', S.wildEsx8, { min: -1 });
INT('pciBridge{n}:{m}.pxm', 'NUMA proximity domain of root bridge function {m} (-1 = none).', S.wildEsx8, { min: -1 });
BOOL('pciPassthru{n}.present', 'Whether PCI passthrough (DirectPath I/O) device {n} exists. Hardening guides want it absent unless needed.', `${S.cis}; ${S.wildEsx}`, { default: 'FALSE' });
STR('pciPassthru{n}.id', 'Host PCI address of the passed-through device (e.g. 0000:03:00.0).', 'vSphere DirectPath I/O (.vmx pciPassthruN.* keys)');
STR('pciPassthru{n}.deviceId', 'PCI device id of the passed-through device (hex).', 'vSphere DirectPath I/O (.vmx pciPassthruN.* keys)');
STR('pciPassthru{n}.vendorId', 'PCI vendor id of the passed-through device (hex).', 'vSphere DirectPath I/O (.vmx pciPassthruN.* keys)');
STR('pciPassthru{n}.systemId', 'Id of the host the passthrough device belongs to.', 'vSphere DirectPath I/O (.vmx pciPassthruN.* keys)');
INT('pciPassthru{n}.pciSlotNumber', 'PCI slot of passthrough device {n} in the guest.', 'vSphere DirectPath I/O (.vmx pciPassthruN.* keys)', { min: -1 });
INT('pciPassthru.64bitMMIOSizeGB', 'Size in GB of the 64-bit MMIO window for large-BAR passthrough devices (GPUs); needs EFI.', 'vSphere DirectPath I/O for GPUs (pciPassthru.use64bitMMIO / 64bitMMIOSizeGB)', { min: 1 });
BOOL('pciPassthru.use64bitMMIO', 'Map passthrough BARs above 4 GB (large GPUs).', 'vSphere DirectPath I/O for GPUs (pciPassthru.use64bitMMIO / 64bitMMIOSizeGB)', { default: 'FALSE' });
BOOL('hpet0.present', 'Whether the HPET timer exists (hardware 7+).', `${S.wildEsx}; ${S.packer}`, { default: 'TRUE' });

BOOL('printers.enabled', 'Workstation 7.x: virtual printer (ThinPrint) that gives the guest the host printers.', 'seen in Workstation 7.1-era .vmx files (test/fixtures/vmx/ws71-plop.vmx)');
STR('roamingVM.exitBehavior', 'Workstation/ACE roaming-VM setting for what the VM does when its window exits; the value seen in real files is "go". Exact semantics not documented in our sources.', 'seen in Workstation 7.1-era .vmx files (test/fixtures/vmx/ws71-plop.vmx)');

// ================================================================ shared folders
INT('sharedFolder.maxNum', 'Number of shared folders defined; must match the sharedFolder{n} entries.', S.libvirt, { min: 0 });
BOOL('sharedFolder{n}.present', 'Whether shared folder {n} is defined.', S.libvirt, { default: 'FALSE' });
BOOL('sharedFolder{n}.enabled', 'Whether shared folder {n} is active.', S.libvirt, { default: 'FALSE' });
BOOL('sharedFolder{n}.readAccess', 'Guest may read shared folder {n}.', S.libvirt, { default: 'FALSE' });
BOOL('sharedFolder{n}.writeAccess', 'Guest may write to shared folder {n} (FALSE = read-only).', S.libvirt);
PATH('sharedFolder{n}.hostPath', 'Host folder shared as folder {n}.', S.libvirt);
STR('sharedFolder{n}.guestName', 'Name the guest sees for shared folder {n}.', S.libvirt);
STR('sharedFolder{n}.expiration', 'When shared folder {n} is turned off: "never" or "session" (at power-off/suspend).', S.libvirt, { default: 'never' });

// ---------------------------------------------------------------- vSphere Lab's own keys
STR('vsphereLab.usbBoot.undo', 'Written by vSphere Lab\'s "Boot from USB Key…": the original lines it changed and the lines it added, as JSON, so that "Remove USB Boot Helper" can restore the file exactly. VMware keeps unknown keys when it rewrites a .vmx (it drops comments), which is why the record lives in a key. Remove it only through that command.', 'vSphere Lab (src/core/vmx/usbBoot.ts)');

// ---------------------------------------------------------------- virtual hardware requirements and products
// The lowest virtualHW.version on which ESXi offers a setting (S.hwFeatures), and from it the first ESXi
// release (S.hw: first ESXi per hardware version). Only rows of those tables: nothing inferred for
// Workstation/Fusion (a hosted product may ship a hardware version without every ESXi feature of it).
const FIRST_ESX = { 7: '4.0+', 8: '5.0+', 9: '5.1+', 10: '5.5+', 11: '6.0+', 13: '6.5+' };
/** [key, value (undefined: a boolean set to TRUE), minimum hardware version] */
const HW_REQUIREMENTS = [
  ['firmware', 'efi', 8],
  ['uefi.secureBoot.enabled', undefined, 13],
  ['usb_xhci.present', undefined, 8],
  ['sata{n}.present', undefined, 10],
  ['nvme{n}.present', undefined, 13],
  ['vhv.enable', undefined, 9],
  ['vpmc.enable', undefined, 9],
  ['ethernet{n}.virtualDev', 'vmxnet3', 7],
  ['ethernet{n}.virtualDev', 'e1000e', 8],
  ['scsi{n}.virtualDev', 'lsisas1068', 7],
  ['scsi{n}.virtualDev', 'pvscsi', 7],
];
const byKey = new Map(entries.map((e) => [e.key.toLowerCase(), e]));
for (const [key, value, version] of HW_REQUIREMENTS) {
  const e = byKey.get(key.toLowerCase());
  if (!e) throw new Error(`hardware requirement for unknown key ${key}`);
  const req = { version, source: S.hwFeatures };
  if (value === undefined) {
    if (e.type !== 'bool') throw new Error(`${key}: an entry-level requirement needs a boolean`);
    e.minHardware = req;
  } else {
    const v = e.values?.find((x) => x.value === value);
    if (!v) throw new Error(`${key}: no value ${value}`);
    v.minHardware = req;
  }
}
/** Keys whose whole device or feature needs a hardware version: they get products.esx. */
const PRODUCT_FAMILIES = [
  [/^(?:sched\.)?sata\{n\}/i, 10],
  [/^(?:sched\.)?nvme\{n\}/i, 13],
  [/^usb_xhci[.:]/i, 8],
  [/^uefi\.secureBoot\.enabled$/i, 13],
  [/^vhv\.enable$/i, 9],
  [/^vpmc\.enable$/i, 9],
  [/(?:^|\.)ctkEnabled$/i, 7], // changed block tracking: hardware 7 (S.domainCbt)
];
for (const e of entries) {
  let hw = 0;
  for (const [re, v] of PRODUCT_FAMILIES) if (re.test(e.key)) hw = Math.max(hw, v);
  if (!hw) continue;
  e.products = { esx: FIRST_ESX[hw] };
  if (!e.source.includes(S.hwFeatures)) e.source += `; hardware version and ESXi release: ${S.hwFeatures}; ${S.hw}`;
}

// ---------------------------------------------------------------- write
const seen = new Set();
for (const e of entries) {
  const k = e.key.toLowerCase();
  if (seen.has(k)) throw new Error(`duplicate key ${e.key}`);
  seen.add(k);
}
const ORDER = ['key', 'description', 'type', 'values', 'closed', 'default', 'min', 'max', 'products', 'minHardware', 'source'];
for (let i = 0; i < entries.length; i++) {
  const e = entries[i];
  const o = {};
  for (const f of ORDER) if (e[f] !== undefined) o[f] = e[f];
  entries[i] = o;
}
const doc = {
  $comment: 'Generated by scripts/catalog/build-catalog.mjs — edit the generator, not this file. Descriptions are our own words; each entry cites its source.',
  entries,
};
writeFileSync(out, JSON.stringify(doc, null, 2) + '\n');
console.log(`wrote ${entries.length} entries to ${out}`);
