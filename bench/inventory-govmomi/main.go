// Reference client for bench/inventory.ts: lists every VM with govmomi's view.Manager + Retrieve
// into mo.VirtualMachine, the way govc and most Go tools do. Built in GOPATH mode against Debian's
// govmomi source (see bench/inventory.ts). Prints one JSON line per run: {"ms":..,"count":..}.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net/url"
	"os"
	"time"

	"github.com/vmware/govmomi"
	"github.com/vmware/govmomi/view"
	"github.com/vmware/govmomi/vim25/mo"
)

func main() {
	u := flag.String("url", "", "https://user:pass@host:port/sdk")
	runs := flag.Int("runs", 3, "number of timed runs")
	flag.Parse()

	ctx := context.Background()
	parsed, err := url.Parse(*u)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	c, err := govmomi.NewClient(ctx, parsed, true)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer func() { _ = c.Logout(ctx) }()

	props := []string{"name", "runtime.powerState", "runtime.host", "config.hardware.numCPU",
		"config.hardware.memoryMB", "config.files.vmPathName", "config.guestId"}
	enc := json.NewEncoder(os.Stdout)
	for i := 0; i < *runs; i++ {
		start := time.Now()
		m := view.NewManager(c.Client)
		v, err := m.CreateContainerView(ctx, c.ServiceContent.RootFolder, []string{"VirtualMachine"}, true)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		var vms []mo.VirtualMachine
		if err := v.Retrieve(ctx, []string{"VirtualMachine"}, props, &vms); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		_ = v.Destroy(ctx)
		ms := float64(time.Since(start).Microseconds()) / 1000
		_ = enc.Encode(map[string]interface{}{"ms": ms, "count": len(vms)})
	}
}
