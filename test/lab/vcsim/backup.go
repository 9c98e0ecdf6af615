// Backup readiness support for the lab's vcsim (issue 13).
//
// govmomi 0.24.2's simulator has no ConsolidateVMDisks_Task and no way to put a
// VM into the states a backup product trips over. This file adds both:
//
//   - ConsolidateVMDisks_Task on a VirtualMachine: clears
//     runtime.consolidationNeeded; fails (TaskInfo.error, with the message given)
//     when the lab asked it to with "failConsolidate".
//   - POST /lab/vmstate  {"vm":"vm-42", ...}  (one object or an array). Fields
//     left out keep their value:
//     "consolidationNeeded": true|false
//     "failConsolidate": "message"  ("" = succeed again)
//     "toolsRunningStatus": "guestToolsNotRunning"|"guestToolsRunning"
//     "toolsVersionStatus2": "guestToolsNeedUpgrade"|"guestToolsCurrent"|...
//     "snapshotAgeDays": N          every snapshot's createTime = now - N days
//     "diskMode": "independent_persistent"|"persistent"|...  (every virtual disk)
//     "physicalRdm": true           adds a physical-mode RDM disk (false removes it)
//     "encrypted": true|false       config.keyId set / cleared
//     "vtpm": true|false            a VirtualTPM device added / removed
//
// The SOAP method is served by wrapping the started server's handler
// (labBackupSDK): a request whose body names ConsolidateVMDisks_Task is
// answered here after its session is checked by the simulator itself (a
// CurrentTime call with the same cookie); every other request goes on to
// the simulator untouched.
package main

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/types"
)

var consolidateFailures = struct {
	sync.Mutex
	byVM map[string]string
}{byVM: map[string]string{}}

var thisRe = regexp.MustCompile(`<_this[^>]*>([^<]+)</_this>`)

const rdmKey = 2999

type vmState struct {
	VM                  string  `json:"vm"`
	ConsolidationNeeded *bool   `json:"consolidationNeeded"`
	FailConsolidate     *string `json:"failConsolidate"`
	ToolsRunningStatus  *string `json:"toolsRunningStatus"`
	ToolsVersionStatus2 *string `json:"toolsVersionStatus2"`
	SnapshotAgeDays     *int    `json:"snapshotAgeDays"`
	DiskMode            *string `json:"diskMode"`
	PhysicalRdm         *bool   `json:"physicalRdm"`
	Encrypted           *bool   `json:"encrypted"`
	Vtpm                *bool   `json:"vtpm"`
}

// labBackupEndpoints registers /lab/vmstate; call before svc.NewServer().
func labBackupEndpoints(svc *simulator.Service) {
	svc.HandleFunc("/lab/vmstate", func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			writeJSON(w, http.StatusMethodNotAllowed, map[string]string{"error": "POST only"})
			return
		}
		reqs, err := readOneOrMany[vmState](r)
		if err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
			return
		}
		for _, q := range reqs {
			ref := types.ManagedObjectReference{Type: "VirtualMachine", Value: q.VM}
			vm, ok := simulator.Map.Get(ref).(*simulator.VirtualMachine)
			if !ok {
				writeJSON(w, http.StatusNotFound, map[string]string{"error": "no VirtualMachine " + q.VM})
				return
			}
			simulator.Map.WithLock(vm, func() { applyVMState(vm, q) })
		}
		writeJSON(w, http.StatusOK, map[string]int{"updated": len(reqs)})
	})
}

func applyVMState(vm *simulator.VirtualMachine, q vmState) {
	changes := []types.PropertyChange{}
	if q.ConsolidationNeeded != nil {
		v := *q.ConsolidationNeeded
		vm.Runtime.ConsolidationNeeded = &v
		changes = append(changes, types.PropertyChange{Name: "runtime.consolidationNeeded", Val: v})
	}
	if q.FailConsolidate != nil {
		consolidateFailures.Lock()
		if *q.FailConsolidate == "" {
			delete(consolidateFailures.byVM, q.VM)
		} else {
			consolidateFailures.byVM[q.VM] = *q.FailConsolidate
		}
		consolidateFailures.Unlock()
	}
	if vm.Guest == nil {
		vm.Guest = &types.GuestInfo{}
	}
	if q.ToolsRunningStatus != nil {
		vm.Guest.ToolsRunningStatus = *q.ToolsRunningStatus
		changes = append(changes, types.PropertyChange{Name: "guest.toolsRunningStatus", Val: *q.ToolsRunningStatus})
	}
	if q.ToolsVersionStatus2 != nil {
		vm.Guest.ToolsVersionStatus2 = *q.ToolsVersionStatus2
		changes = append(changes, types.PropertyChange{Name: "guest.toolsVersionStatus2", Val: *q.ToolsVersionStatus2})
	}
	if q.SnapshotAgeDays != nil && vm.Snapshot != nil {
		at := time.Now().Add(-time.Duration(*q.SnapshotAgeDays) * 24 * time.Hour)
		backdate(vm.Snapshot.RootSnapshotList, at)
		changes = append(changes, types.PropertyChange{Name: "snapshot", Val: vm.Snapshot})
	}
	if vm.Config != nil {
		changes = append(changes, applyConfigState(vm, q)...)
	}
	if len(changes) > 0 {
		simulator.Map.Update(vm, changes)
	}
}

func backdate(list []types.VirtualMachineSnapshotTree, at time.Time) {
	for i := range list {
		list[i].CreateTime = at
		backdate(list[i].ChildSnapshotList, at)
	}
}

func applyConfigState(vm *simulator.VirtualMachine, q vmState) []types.PropertyChange {
	hw := &vm.Config.Hardware
	touched := false
	if q.DiskMode != nil {
		for _, d := range hw.Device {
			if disk, ok := d.(*types.VirtualDisk); ok {
				if b, ok := disk.Backing.(*types.VirtualDiskFlatVer2BackingInfo); ok {
					b.DiskMode = *q.DiskMode
					touched = true
				}
			}
		}
	}
	if q.PhysicalRdm != nil {
		hw.Device = withoutKey(hw.Device, rdmKey)
		if *q.PhysicalRdm {
			hw.Device = append(hw.Device, physicalRdm(vm))
		}
		touched = true
	}
	if q.Vtpm != nil {
		hw.Device = withoutKey(hw.Device, 11000)
		if *q.Vtpm {
			tpm := &types.VirtualTPM{}
			tpm.Key = 11000
			tpm.DeviceInfo = &types.Description{Label: "Virtual TPM", Summary: "Virtual TPM"}
			hw.Device = append(hw.Device, tpm)
		}
		touched = true
	}
	changes := []types.PropertyChange{}
	if q.Encrypted != nil {
		if *q.Encrypted {
			vm.Config.KeyId = &types.CryptoKeyId{KeyId: "lab-key-1", ProviderId: &types.KeyProviderId{Id: "lab-kms"}}
		} else {
			vm.Config.KeyId = nil
		}
		changes = append(changes, types.PropertyChange{Name: "config.keyId", Val: vm.Config.KeyId})
	}
	if touched {
		changes = append(changes, types.PropertyChange{Name: "config.hardware.device", Val: hw.Device})
	}
	return changes
}

func withoutKey(devices []types.BaseVirtualDevice, key int32) []types.BaseVirtualDevice {
	out := devices[:0:0]
	for _, d := range devices {
		if d.GetVirtualDevice().Key != key {
			out = append(out, d)
		}
	}
	return out
}

// physicalRdm: a 1 GB physical-compatibility RDM on the first disk's controller.
func physicalRdm(vm *simulator.VirtualMachine) *types.VirtualDisk {
	var ctrl int32
	var unit int32 = 15
	file := ""
	for _, d := range vm.Config.Hardware.Device {
		if disk, ok := d.(*types.VirtualDisk); ok {
			ctrl = disk.ControllerKey
			if b, ok := disk.Backing.(*types.VirtualDiskFlatVer2BackingInfo); ok {
				file = strings.TrimSuffix(b.FileName, ".vmdk") + "_rdmp.vmdk"
			}
			break
		}
	}
	disk := &types.VirtualDisk{CapacityInKB: 1 << 20, CapacityInBytes: 1 << 30}
	disk.Key = rdmKey
	disk.ControllerKey = ctrl
	disk.UnitNumber = &unit
	disk.DeviceInfo = &types.Description{Label: "Hard disk (RDM)", Summary: "1,048,576 KB"}
	disk.Backing = &types.VirtualDiskRawDiskMappingVer1BackingInfo{
		VirtualDeviceFileBackingInfo: types.VirtualDeviceFileBackingInfo{FileName: file},
		DeviceName:                   "vml.0200000000600a098038303053453f463045727357",
		CompatibilityMode:            "physicalMode",
		DiskMode:                     "independent_persistent",
		LunUuid:                      "0200000000600a098038303053453f463045727357",
	}
	return disk
}

// labBackupSDK wraps the started server's handler; call right after svc.NewServer().
// No client knows the URL yet (main prints it afterwards).
func labBackupSDK(server *simulator.Server) {
	next := server.Config.Handler
	server.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || !strings.HasSuffix(r.URL.Path, "/sdk") {
			next.ServeHTTP(w, r)
			return
		}
		body, err := io.ReadAll(io.LimitReader(r.Body, 64<<20))
		_ = r.Body.Close()
		if err != nil {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		if !bytes.Contains(body, []byte("ConsolidateVMDisks_Task")) {
			next.ServeHTTP(w, r)
			return
		}
		consolidate(w, r, next, body)
	})
}

const soapHead = `<?xml version="1.0" encoding="UTF-8"?>` +
	`<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" ` +
	`xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body>`

func consolidate(w http.ResponseWriter, r *http.Request, next http.Handler, body []byte) {
	// The simulator checks the session: a CurrentTime call carrying the same cookie.
	probe := httptest.NewRequest(http.MethodPost, r.URL.String(), strings.NewReader(soapHead+
		`<CurrentTime xmlns="urn:vim25"><_this type="ServiceInstance">ServiceInstance</_this></CurrentTime></soapenv:Body></soapenv:Envelope>`))
	for _, c := range r.Cookies() {
		probe.AddCookie(c)
	}
	rec := httptest.NewRecorder()
	next.ServeHTTP(rec, probe)
	if rec.Code != http.StatusOK {
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
		return
	}
	m := thisRe.FindSubmatch(body)
	if m == nil {
		soapFault(w, "ConsolidateVMDisks_Task: no _this")
		return
	}
	ref := types.ManagedObjectReference{Type: "VirtualMachine", Value: string(m[1])}
	vm, ok := simulator.Map.Get(ref).(*simulator.VirtualMachine)
	if !ok {
		soapFault(w, "managed object not found: "+ref.String())
		return
	}
	consolidateFailures.Lock()
	failure := consolidateFailures.byVM[ref.Value]
	consolidateFailures.Unlock()
	task := simulator.CreateTask(vm, "consolidateVMDisks", func(*simulator.Task) (types.AnyType, types.BaseMethodFault) {
		if failure != "" {
			return nil, &types.FileLocked{}
		}
		simulator.Map.WithLock(vm, func() {
			f := false
			vm.Runtime.ConsolidationNeeded = &f
			simulator.Map.Update(vm, []types.PropertyChange{{Name: "runtime.consolidationNeeded", Val: false}})
		})
		return nil, nil
	})
	taskRef := task.Run()
	if failure != "" {
		simulator.Map.Update(task, []types.PropertyChange{{Name: "info.error", Val: types.LocalizedMethodFault{
			Fault: &types.FileLocked{}, LocalizedMessage: failure,
		}}})
	}
	w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	fmt.Fprintf(w, `%s<ConsolidateVMDisks_TaskResponse xmlns="urn:vim25"><returnval type="Task">%s</returnval></ConsolidateVMDisks_TaskResponse></soapenv:Body></soapenv:Envelope>`,
		soapHead, taskRef.Value)
}

func soapFault(w http.ResponseWriter, msg string) {
	w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	w.WriteHeader(http.StatusInternalServerError)
	var esc bytes.Buffer
	_ = xmlEscape(&esc, msg)
	fmt.Fprintf(w, `%s<soapenv:Fault><faultcode>ServerFaultCode</faultcode><faultstring>%s</faultstring></soapenv:Fault></soapenv:Body></soapenv:Envelope>`,
		soapHead, esc.String())
}

func xmlEscape(w io.Writer, s string) error {
	r := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")
	_, err := io.WriteString(w, r.Replace(s))
	return err
}
