package fake

import "github.com/bsskit/bsskit/fake/internal/store/file"

// WithStateFile keeps the orders and ClientToken records in the file at path, so that a restart,
// even after a crash or kill -9, loses no acknowledged order and a replayed ClientToken still gets
// its OrderId. The file is loaded by [New] and created if absent; every new order is written and
// fsynced before its answer is sent, and a reset (admin API or [Server.Reset]) rewrites it empty.
//
// The file is JSON lines, each "CRC32 JSON" with a sequence number. [New] refuses a damaged file
// with an [ErrStateCorrupt] that names the line; [WithStateRepair] drops a torn last line (a write
// cut short by a crash) instead. Only one server may use a state file at a time.
func WithStateFile(path string) Option { return func(o *config) { o.stateFile = path } }

// WithStateRepair lets [New] truncate a torn or damaged last line of the state file ([WithStateFile])
// and start, instead of refusing. Damage before the last line is still refused.
func WithStateRepair() Option { return func(o *config) { o.stateRepair = true } }

// ErrStateCorrupt is wrapped by the error [New] returns for a state file it cannot trust.
var ErrStateCorrupt = file.ErrCorrupt
