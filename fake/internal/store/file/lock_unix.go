//go:build unix

package file

import (
	"errors"
	"fmt"
	"os"
	"syscall"
)

// lockState takes an exclusive, non-blocking flock on path+".lock", so that two servers never
// append to one state file. The kernel releases it when the process dies, kill -9 included.
func lockState(path string) (*os.File, error) {
	f, err := os.OpenFile(path+".lock", os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("fake: state file lock: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("fake: state file %s is in use by another server (lock %s.lock)", path, path)
		}
		return nil, fmt.Errorf("fake: state file lock: %w", err)
	}
	return f, nil
}
