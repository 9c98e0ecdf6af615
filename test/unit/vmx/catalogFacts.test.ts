import assert from 'node:assert/strict';
import { lookupKey } from '../../../src/core/vmx/catalog';
import { productsText, valueMinHardware } from '../../../src/core/vmx/catalogFacts';

const entry = (k: string) => lookupKey(k)!.entry;

describe('vmx hover facts (products, virtual hardware)', () => {
  it('the hover Products row shows for the hardware-gated keys of the catalog', () => {
    assert.equal(productsText(entry('nvme0.present').products), 'ESX/ESXi 6.5+');
    assert.equal(productsText(entry('sata0:1.fileName').products), 'ESX/ESXi 5.5+');
    assert.equal(productsText(entry('usb_xhci.present').products), 'ESX/ESXi 5.0+');
    assert.equal(productsText(entry('uefi.secureBoot.enabled').products), 'ESX/ESXi 6.5+');
    assert.equal(productsText(entry('memsize').products), undefined, 'no row when nothing is known');
  });

  it('joins every product it knows', () => {
    assert.equal(productsText({ esx: '4.0+', workstation: '6.5+', fusion: '2.0+' }), 'ESX/ESXi 4.0+, Workstation 6.5+, Fusion 2.0+');
    assert.equal(productsText({}), undefined);
  });

  it('gives the virtual hardware a value needs', () => {
    assert.equal(valueMinHardware(entry('firmware'), 'EFI'), 8);
    assert.equal(valueMinHardware(entry('firmware'), 'bios'), undefined);
    assert.equal(valueMinHardware(entry('ethernet0.virtualDev'), 'e1000e'), 8);
    assert.equal(valueMinHardware(entry('uefi.secureBoot.enabled'), 'TRUE'), 13);
    assert.equal(valueMinHardware(entry('uefi.secureBoot.enabled'), 'FALSE'), undefined);
  });
});
