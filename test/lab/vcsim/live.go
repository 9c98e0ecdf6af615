package main

// -incremental-updates: the lab's PropertyCollector answers WaitForUpdatesEx incrementally, as a
// vCenter does. Upstream vcsim (govmomi 0.24 simulator/property_collector.go, WaitForUpdatesEx and
// apply) runs every filter's whole collect again for each object update anywhere in the inventory:
// O(inventory) work per change, seconds per power-off at 5,500 VMs, whatever the client. Here a
// filter over a ContainerView re-reads only the objects an update names (one small collect each) and
// sends the properties that differ from what it sent before; objects of the filter's types that
// are created enter, those removed leave. Filters of any other shape (a traversal from the
// TaskManager, one object's property) are small: they are collected again and compared, as
// upstream does. Without the flag the lab runs upstream's collector unchanged (the peer tests run
// against both).

import (
	"context"
	"reflect"
	"strconv"
	"sync"
	"time"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

type liveFilter struct {
	mo.PropertyFilter
	// view: the spec is a ContainerView traversal; paths by object type.
	view  bool
	paths map[string][]string
	// what was sent, by object: property → value
	sent map[types.ManagedObjectReference]map[string]types.AnyType
}

type livePC struct {
	pagingPC
	lmu     sync.Mutex
	filters []*liveFilter
	pending []types.ObjectUpdate
	cancel  context.CancelFunc
	version int
}

// installIncrementalUpdates replaces the root PropertyCollector (same moref) with livePC.
func installIncrementalUpdates(pcRef types.ManagedObjectReference) {
	replaceRootPC(pcRef, func(self types.ManagedObjectReference) mo.Reference {
		pc := &livePC{}
		pc.Self = self
		return pc
	})
}

func (pc *livePC) CreatePropertyCollector(ctx *simulator.Context, c *types.CreatePropertyCollector) soap.HasFault {
	n := &livePC{}
	n.Self.Type = "PropertyCollector"
	ref := ctx.Session.Put(n).Reference()
	return &methods.CreatePropertyCollectorBody{Res: &types.CreatePropertyCollectorResponse{Returnval: ref}}
}

func (pc *livePC) CreateFilter(ctx *simulator.Context, c *types.CreateFilter) soap.HasFault {
	f := &liveFilter{paths: map[string][]string{}, sent: map[types.ManagedObjectReference]map[string]types.AnyType{}}
	f.Self.Type = "PropertyFilter"
	f.Spec = c.Spec
	f.PartialUpdates = c.PartialUpdates
	for _, p := range c.Spec.PropSet {
		f.paths[p.Type] = append(f.paths[p.Type], p.PathSet...)
	}
	if len(c.Spec.ObjectSet) == 1 && c.Spec.ObjectSet[0].Obj.Type == "ContainerView" {
		f.view = true
	}
	ref := ctx.Session.Put(f).Reference()
	pc.lmu.Lock()
	pc.filters = append(pc.filters, f)
	pc.lmu.Unlock()
	return &methods.CreateFilterBody{Res: &types.CreateFilterResponse{Returnval: ref}}
}

func (pc *livePC) CancelWaitForUpdates(r *types.CancelWaitForUpdates) soap.HasFault {
	pc.lmu.Lock()
	if pc.cancel != nil {
		pc.cancel()
	}
	pc.lmu.Unlock()
	return &methods.CancelWaitForUpdatesBody{Res: new(types.CancelWaitForUpdatesResponse)}
}

func (pc *livePC) PutObject(o mo.Reference) {
	pc.push(types.ObjectUpdate{Obj: o.Reference(), Kind: types.ObjectUpdateKindEnter})
}

func (pc *livePC) UpdateObject(o mo.Reference, changes []types.PropertyChange) {
	pc.push(types.ObjectUpdate{Obj: o.Reference(), Kind: types.ObjectUpdateKindModify})
}

func (pc *livePC) RemoveObject(ref types.ManagedObjectReference) {
	pc.push(types.ObjectUpdate{Obj: ref, Kind: types.ObjectUpdateKindLeave})
}

func (pc *livePC) push(u types.ObjectUpdate) {
	pc.lmu.Lock()
	pc.pending = append(pc.pending, u)
	pc.lmu.Unlock()
}

// pathsFor: the paths a filter watches on an object of this type (ComputeResource covers clusters).
func (f *liveFilter) pathsFor(t string) ([]string, bool) {
	if p, ok := f.paths[t]; ok {
		return p, true
	}
	if t == "ClusterComputeResource" {
		p, ok := f.paths["ComputeResource"]
		return p, ok
	}
	return nil, false
}

func (pc *livePC) collect(ctx *simulator.Context, spec types.PropertyFilterSpec) []types.ObjectContent {
	res := pc.PropertyCollector.RetrievePropertiesEx(ctx, &types.RetrievePropertiesEx{SpecSet: []types.PropertyFilterSpec{spec}})
	body, ok := res.(*methods.RetrievePropertiesExBody)
	if !ok || body.Res == nil || body.Res.Returnval == nil {
		return nil
	}
	return body.Res.Returnval.Objects
}

// diff: the update for one object's fresh content against what was sent (nil when nothing changed).
func (f *liveFilter) diff(o types.ObjectContent) *types.ObjectUpdate {
	before, known := f.sent[o.Obj]
	now := map[string]types.AnyType{}
	u := types.ObjectUpdate{Obj: o.Obj, Kind: types.ObjectUpdateKindModify}
	if !known {
		u.Kind = types.ObjectUpdateKindEnter
	}
	for _, p := range o.PropSet {
		now[p.Name] = p.Val
		if old, had := before[p.Name]; !had || !reflect.DeepEqual(old, p.Val) {
			u.ChangeSet = append(u.ChangeSet, types.PropertyChange{Name: p.Name, Op: types.PropertyChangeOpAssign, Val: p.Val})
		}
	}
	for name := range before {
		if _, still := now[name]; !still {
			u.ChangeSet = append(u.ChangeSet, types.PropertyChange{Name: name, Op: types.PropertyChangeOpRemove})
		}
	}
	f.sent[o.Obj] = now
	if known && len(u.ChangeSet) == 0 {
		return nil
	}
	return &u
}

// full: the filter collected again and compared (the first answer, and small filters).
func (pc *livePC) full(ctx *simulator.Context, f *liveFilter) []types.ObjectUpdate {
	var out []types.ObjectUpdate
	seen := map[types.ManagedObjectReference]bool{}
	for _, o := range pc.collect(ctx, f.Spec) {
		seen[o.Obj] = true
		if u := f.diff(o); u != nil {
			out = append(out, *u)
		}
	}
	for ref := range f.sent {
		if !seen[ref] {
			delete(f.sent, ref)
			out = append(out, types.ObjectUpdate{Obj: ref, Kind: types.ObjectUpdateKindLeave})
		}
	}
	return out
}

// incremental: only the objects the updates name, each re-read on its own.
func (pc *livePC) incremental(ctx *simulator.Context, f *liveFilter, updates []types.ObjectUpdate) []types.ObjectUpdate {
	var out []types.ObjectUpdate
	done := map[types.ManagedObjectReference]bool{}
	for _, u := range updates {
		if done[u.Obj] {
			continue
		}
		done[u.Obj] = true
		paths, watched := f.pathsFor(u.Obj.Type)
		if !watched {
			continue
		}
		_, known := f.sent[u.Obj]
		var objs []types.ObjectContent
		if u.Kind != types.ObjectUpdateKindLeave && simulator.Map.Get(u.Obj) != nil {
			objs = pc.collect(ctx, types.PropertyFilterSpec{
				PropSet:   []types.PropertySpec{{Type: u.Obj.Type, PathSet: paths}},
				ObjectSet: []types.ObjectSpec{{Obj: u.Obj}},
			})
		}
		if len(objs) == 0 {
			if known {
				delete(f.sent, u.Obj)
				out = append(out, types.ObjectUpdate{Obj: u.Obj, Kind: types.ObjectUpdateKindLeave})
			}
			continue
		}
		if x := f.diff(objs[0]); x != nil {
			out = append(out, *x)
		}
	}
	return out
}

func (pc *livePC) answer(ctx *simulator.Context, first bool, updates []types.ObjectUpdate) *types.UpdateSet {
	pc.lmu.Lock()
	filters := append([]*liveFilter(nil), pc.filters...)
	pc.lmu.Unlock()
	set := &types.UpdateSet{}
	for _, f := range filters {
		if ctx.Session.Get(f.Self) == nil {
			continue // destroyed
		}
		var objs []types.ObjectUpdate
		if first || !f.view {
			objs = pc.full(ctx, f)
		} else {
			objs = pc.incremental(ctx, f, updates)
		}
		if len(objs) > 0 {
			set.FilterSet = append(set.FilterSet, types.PropertyFilterUpdate{Filter: f.Self, ObjectSet: objs})
		}
	}
	return set
}

func (pc *livePC) WaitForUpdatesEx(ctx *simulator.Context, r *types.WaitForUpdatesEx) soap.HasFault {
	body := &methods.WaitForUpdatesExBody{}
	if r.Version == "" {
		pc.lmu.Lock()
		pc.pending = nil
		pc.lmu.Unlock()
		simulator.Map.AddHandler(pc)
		set := pc.answer(ctx, true, nil)
		pc.version++
		set.Version = strconv.Itoa(pc.version)
		body.Res = &types.WaitForUpdatesExResponse{Returnval: set}
		return body
	}
	max := 600 * time.Second
	if r.Options != nil && r.Options.MaxWaitSeconds != nil {
		max = time.Duration(*r.Options.MaxWaitSeconds) * time.Second
	}
	wait, cancel := context.WithTimeout(context.Background(), max)
	defer cancel()
	pc.lmu.Lock()
	pc.cancel = cancel
	pc.lmu.Unlock()
	body.Res = &types.WaitForUpdatesExResponse{}
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-wait.Done():
			if wait.Err() == context.Canceled {
				body.Res = nil
				body.Fault_ = simulator.Fault("", new(types.RequestCanceled))
			}
			return body
		case <-tick.C:
			pc.lmu.Lock()
			updates := pc.pending
			pc.pending = nil
			pc.lmu.Unlock()
			if len(updates) == 0 {
				continue
			}
			set := pc.answer(ctx, false, updates)
			if len(set.FilterSet) == 0 {
				continue
			}
			pc.version++
			set.Version = strconv.Itoa(pc.version)
			body.Res.Returnval = set
			return body
		}
	}
}
