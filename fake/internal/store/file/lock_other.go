//go:build !unix

package file

import "os"

// lockState does nothing where flock is not available: one server per state file is up to you.
func lockState(path string) (*os.File, error) { return nil, nil }
