// Command applications is the Lambda of applications for government
// services: the service catalogue, drafts, validation, submission with a
// receipt number, the applicant's status queries and withdrawal, and the
// agency staff's queue and transitions.
package main

import (
	"context"
	"os"

	"github.com/kabinet/kabinet/shared/adapter/httpapi"
	"github.com/kabinet/kabinet/shared/adapter/httpapi/lambdahttp"
)

func main() { lambdahttp.Main(context.Background(), os.Getenv, httpapi.FnApplications) }
