package limits

import "testing"

// TestNumbers keeps the caps the README and the OpenAPI document state.
func TestNumbers(t *testing.T) {
	if ActiveDocuments != 200 || OpenApplications != 50 {
		t.Errorf("ActiveDocuments %d, OpenApplications %d; change the README and openapi.yaml with them", ActiveDocuments, OpenApplications)
	}
}
