package fake

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/bsskit/bsskit/spec"
)

var errStateClosed = errors.New("fake: state file closed")

// stateFormat names the file format in its header line.
const stateFormat = "bsskit-state/1"

// stateRecord is one line of the state file.
type stateRecord struct {
	// Seq is the line's number in the file, from 1 (the header).
	Seq uint64 `json:"seq"`
	// Op is "header" (line 1) or "order".
	Op     string `json:"op"`
	Format string `json:"format,omitempty"`
	Order  *Order `json:"order,omitempty"`
}

// stateFile is the append-only log behind [WithStateFile]. Records are appended to pending under
// Server.mu (cheap), then written and fsynced by whichever request needs them first, outside
// Server.mu: one fsync covers every record pending at the time (group commit). Lock order:
// Server.mu, then fmu, then pmu; a goroutine holding fmu never takes Server.mu.
type stateFile struct {
	path string
	log  *slog.Logger
	lock *os.File // the flock on path+".lock" (state_lock_unix.go), released by close

	pmu      sync.Mutex // guards pending, appended, lineSeq
	pending  []byte     // encoded lines not yet written
	appended uint64     // records handed to pending so far (tickets)
	lineSeq  uint64     // Seq of the last line in the file or pending

	fmu     sync.Mutex    // guards f and err; held while writing and syncing
	f       *os.File      // open for appending
	err     error         // sticky: after a failed write nothing more is written
	durable atomic.Uint64 // tickets written and fsynced
}

// encodeLine returns "crc32hex JSON\n" for rec.
func encodeLine(rec *stateRecord) ([]byte, error) {
	js, err := json.Marshal(rec)
	if err != nil {
		return nil, err
	}
	line := make([]byte, 0, len(js)+10)
	line = fmt.Appendf(line, "%08x ", crc32.ChecksumIEEE(js))
	line = append(line, js...)
	return append(line, '\n'), nil
}

// decodeLine checks one line (without its newline) and returns its record.
func decodeLine(line []byte) (*stateRecord, error) {
	if len(line) < 10 || line[8] != ' ' {
		return nil, errors.New("not a \"CRC32 JSON\" line")
	}
	want, err := strconv.ParseUint(string(line[:8]), 16, 32)
	if err != nil {
		return nil, errors.New("the checksum is not 8 hex digits")
	}
	js := line[9:]
	if got := crc32.ChecksumIEEE(js); uint32(want) != got {
		return nil, fmt.Errorf("checksum mismatch (line says %08x, content is %08x)", want, got)
	}
	var rec stateRecord
	dec := json.NewDecoder(bytes.NewReader(js))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&rec); err != nil {
		return nil, fmt.Errorf("bad JSON: %v", err)
	}
	return &rec, nil
}

// openState loads the state file at path (creating it if absent or empty) and returns it open for
// appending, with the orders it holds.
func openState(path string, repair bool, log *slog.Logger) (_ *stateFile, _ []Order, err error) {
	lock, err := lockState(path)
	if err != nil {
		return nil, nil, err
	}
	defer func() {
		if err != nil && lock != nil {
			lock.Close()
		}
	}()
	data, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, nil, fmt.Errorf("fake: state file: %w", err)
	}
	st := &stateFile{path: path, log: log, lock: lock}
	if len(data) == 0 {
		if err := st.rewrite(); err != nil {
			return nil, nil, err
		}
		return st, nil, nil
	}
	orders, good, err := parseState(path, data, repair)
	if err != nil {
		return nil, nil, err
	}
	if good < len(data) {
		log.Warn("state file: dropped a torn last line (--state-repair)", "path", path, "bytes", len(data)-good)
		if err := os.Truncate(path, int64(good)); err != nil {
			return nil, nil, fmt.Errorf("fake: state file: repair: %w", err)
		}
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return nil, nil, fmt.Errorf("fake: state file: %w", err)
	}
	if good < len(data) {
		if err := f.Sync(); err != nil {
			f.Close()
			return nil, nil, fmt.Errorf("fake: state file: repair: %w", err)
		}
	}
	st.f = f
	st.lineSeq = uint64(len(orders)) + 1
	return st, orders, nil
}

// parseState checks every line of data and returns the orders and the length of the good prefix
// (shorter than data only when repair dropped the last line).
func parseState(path string, data []byte, repair bool) (orders []Order, good int, err error) {
	corrupt := func(line int, format string, args ...any) error {
		return fmt.Errorf("%w: %s: line %d: %s", ErrStateCorrupt, path, line, fmt.Sprintf(format, args...))
	}
	off := 0
	for n := 1; off < len(data); n++ {
		end := bytes.IndexByte(data[off:], '\n')
		last := end < 0 || off+end+1 == len(data)
		var line []byte
		if end < 0 {
			line = data[off:]
		} else {
			line = data[off : off+end]
		}
		rec, derr := decodeLine(line)
		switch {
		case derr == nil && end >= 0 && rec.Seq != uint64(n):
			derr = fmt.Errorf("sequence number %d, want %d (a line is missing or out of order)", rec.Seq, n)
		case derr == nil && end >= 0 && n == 1 && (rec.Op != "header" || rec.Format != stateFormat):
			derr = fmt.Errorf("not a bsskit state file header (want op \"header\", format %q)", stateFormat)
		case derr == nil && end >= 0 && n > 1 && (rec.Op != "order" || rec.Order == nil || rec.Order.OrderID == ""):
			derr = fmt.Errorf("unknown record (op %q)", rec.Op)
		case end < 0:
			derr = errors.New("incomplete: no newline at the end (a write cut short)")
		}
		if derr != nil {
			switch {
			case !last:
				return nil, 0, corrupt(n, "%v; the damage is before the last line, so --state-repair cannot fix it: restore the file from a backup, or move it away to start empty", derr)
			case !repair:
				return nil, 0, corrupt(n, "%v; restart with --state-repair (WithStateRepair) to drop this last line, the only one damaged", derr)
			case n == 1:
				return nil, 0, corrupt(n, "%v; the header itself is damaged: move the file away to start empty", derr)
			}
			return orders, off, nil
		}
		if n > 1 {
			orders = append(orders, *rec.Order)
		}
		off += end + 1
	}
	return orders, off, nil
}

// rewrite replaces the file with a header only, atomically (temporary file, fsync, rename, fsync
// of the directory), and opens it for appending. The caller holds fmu, or owns st alone.
func (st *stateFile) rewrite() error {
	hdr, err := encodeLine(&stateRecord{Seq: 1, Op: "header", Format: stateFormat})
	if err != nil {
		return err
	}
	tmp := st.path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return fmt.Errorf("fake: state file: %w", err)
	}
	if _, err = f.Write(hdr); err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, st.path)
	}
	if err == nil {
		err = syncDir(filepath.Dir(st.path))
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("fake: state file: %w", err)
	}
	nf, err := os.OpenFile(st.path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return fmt.Errorf("fake: state file: %w", err)
	}
	if st.f != nil {
		st.f.Close()
	}
	st.f = nf
	st.lineSeq = 1
	return nil
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, os.ErrInvalid) {
		return err
	}
	return nil
}

// appendOrder queues a record of o; the caller holds Server.mu, so records are in store order.
func (st *stateFile) appendOrder(o *Order) {
	st.pmu.Lock()
	defer st.pmu.Unlock()
	st.lineSeq++
	line, err := encodeLine(&stateRecord{Seq: st.lineSeq, Op: "order", Order: o})
	if err != nil { // an Order always encodes; keep the sequence intact if it ever does not
		st.lineSeq--
		st.log.Error("state file: cannot encode an order", "orderId", o.OrderID, "err", err)
		return
	}
	st.pending = append(st.pending, line...)
	st.appended++
}

// ticket returns the number of records queued so far: sync(ticket) makes all of them durable.
func (st *stateFile) ticket() uint64 {
	st.pmu.Lock()
	defer st.pmu.Unlock()
	return st.appended
}

// sync writes and fsyncs every queued record if the ticket is not durable yet.
func (st *stateFile) sync(ticket uint64) error {
	if st.durable.Load() >= ticket {
		return nil
	}
	st.fmu.Lock()
	defer st.fmu.Unlock()
	if st.durable.Load() >= ticket {
		return nil
	}
	if st.err != nil {
		return st.err
	}
	st.pmu.Lock()
	buf, last := st.pending, st.appended
	st.pending = nil
	st.pmu.Unlock()
	if len(buf) > 0 {
		if _, err := st.f.Write(buf); err != nil {
			st.err = fmt.Errorf("fake: state file: write: %w", err)
			return st.err
		}
		if err := st.f.Sync(); err != nil {
			st.err = fmt.Errorf("fake: state file: fsync: %w", err)
			return st.err
		}
	}
	st.durable.Store(last)
	return nil
}

// reset empties the file durably; the caller holds Server.mu, so nothing is appended meanwhile.
// Records still pending belong to orders the reset forgets.
func (st *stateFile) reset() error {
	st.fmu.Lock()
	defer st.fmu.Unlock()
	st.pmu.Lock()
	st.pending = nil
	last := st.appended
	st.pmu.Unlock()
	if st.err != nil {
		return st.err
	}
	if err := st.rewrite(); err != nil {
		st.err = err
		return err
	}
	st.durable.Store(last)
	return nil
}

// close writes what is pending and closes the file; later syncs fail.
func (st *stateFile) close() error {
	st.pmu.Lock()
	last := st.appended
	st.pmu.Unlock()
	err := st.sync(last)
	st.fmu.Lock()
	defer st.fmu.Unlock()
	if st.f != nil {
		if cerr := st.f.Close(); err == nil {
			err = cerr
		}
		st.f = nil
	}
	if st.lock != nil {
		st.lock.Close()
		st.lock = nil
	}
	if st.err == nil {
		st.err = errStateClosed
	}
	return err
}

// openStateFile loads the state file of [WithStateFile] into the store; New calls it.
func (s *Server) openStateFile() error {
	if s.cfg.stateFile == "" {
		return nil
	}
	st, orders, err := openState(s.cfg.stateFile, s.cfg.stateRepair, s.log)
	if err != nil {
		return err
	}
	for _, o := range orders {
		if _, dup := s.store.byID[o.OrderID]; dup {
			st.close()
			return fmt.Errorf("%w: %s: order %s appears twice", ErrStateCorrupt, s.cfg.stateFile, o.OrderID)
		}
		s.store.add(o)
	}
	s.persist = st
	s.log.Info("state file loaded", "path", s.cfg.stateFile, "orders", len(orders))
	return nil
}

// placeDurable is placeLocked under Server.mu and, with a state file, the persistence of a new
// order: the record is queued under the lock (so exactly one order per ClientToken, in store
// order) and written and fsynced after it, before the answer is sent. A replayed order waits for
// every record queued so far, its own included, so no answer reveals an order that is not on disk.
// If the file cannot be written the call is answered InternalError (HTTP 500).
func (s *Server) placeDurable(ex *exchange, in *input) (o Order, replayed bool, code spec.Code, param string) {
	if s.shared != nil {
		return s.placeShared(ex, in) // shared.go
	}
	var ticket uint64
	func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		o, replayed, code, param = s.placeLocked(ex, in)
		if s.persist != nil && code == "" {
			if !replayed {
				s.persist.appendOrder(&o)
			}
			ticket = s.persist.ticket()
		}
	}()
	if s.persist == nil || code != "" {
		return o, replayed, code, param
	}
	if err := s.persist.sync(ticket); err != nil {
		s.log.Error("state file: the order is not durable, answered InternalError", "orderId", o.OrderID, "err", err)
		def := spec.MustLookup(spec.CodeInternalError)
		ex.failWith(def, 500, def.Message)
		return Order{}, false, spec.CodeInternalError, ""
	}
	return o, replayed, code, param
}

// resetStateLocked empties the state file; Reset calls it under Server.mu.
func (s *Server) resetStateLocked() {
	if s.persist == nil {
		return
	}
	if err := s.persist.reset(); err != nil {
		s.log.Error("state file: reset is not durable: the orders may come back after a restart", "err", err)
	}
}

// stateErr returns the state file's sticky error, if any.
func (s *Server) stateErr() error {
	if s.persist == nil {
		return nil
	}
	s.persist.fmu.Lock()
	defer s.persist.fmu.Unlock()
	if errors.Is(s.persist.err, errStateClosed) {
		return nil
	}
	return s.persist.err
}

// closeState flushes and closes the state file; Shutdown calls it once requests have drained.
func (s *Server) closeState() {
	s.closeShared() // shared.go
	if s.persist == nil {
		return
	}
	if err := s.persist.close(); err != nil {
		s.log.Error("state file: close", "err", err)
	}
}
