// Snapshot support for the lab's vcsim (issue 15).
//
// govmomi 0.24.2's RemoveSnapshot_Task panics (the HTTP request is reset) when the
// snapshot removed is the VM's current one and sits at the root of the tree: it
// applies a nil "snapshot.currentSnapshot" change. A real vCenter leaves the VM on
// no snapshot then. labSnapshotSDK wraps the server's handler: before such a
// request reaches the simulator, the VM's current snapshot is cleared (under the
// VM's lock), so the simulator skips the nil change and the result is the real
// one. Every other request goes on untouched. (Lab only, on loopback: the
// simulator still checks the session of the request itself.)
package main

import (
	"bytes"
	"io"
	"net/http"
	"strings"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/types"
)

func labSnapshotSDK(server *simulator.Server) {
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
		if bytes.Contains(body, []byte("RemoveSnapshot_Task")) {
			if m := thisRe.FindSubmatch(body); m != nil {
				leaveRootSnapshot(types.ManagedObjectReference{Type: "VirtualMachineSnapshot", Value: string(m[1])})
			}
		}
		next.ServeHTTP(w, r)
	})
}

// leaveRootSnapshot clears the VM's current snapshot when it is `ref` and `ref` is a root.
func leaveRootSnapshot(ref types.ManagedObjectReference) {
	snap, ok := simulator.Map.Get(ref).(*simulator.VirtualMachineSnapshot)
	if !ok {
		return
	}
	vm, ok := simulator.Map.Get(snap.Vm).(*simulator.VirtualMachine)
	if !ok {
		return
	}
	simulator.Map.WithLock(vm, func() {
		info := vm.Snapshot
		if info == nil || info.CurrentSnapshot == nil || *info.CurrentSnapshot != ref {
			return
		}
		for _, root := range info.RootSnapshotList {
			if root.Snapshot == ref {
				info.CurrentSnapshot = nil
				return
			}
		}
	})
}
