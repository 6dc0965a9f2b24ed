// Command orgs is the Lambda serving consents and organisations' views of
// their employees' documents (/consents, /organizations/{orgId}/documents).
package main

import (
	"context"
	"os"

	"github.com/kabinet/kabinet/shared/adapter/httpapi"
	"github.com/kabinet/kabinet/shared/adapter/httpapi/lambdahttp"
)

func main() { lambdahttp.Main(context.Background(), os.Getenv, httpapi.FnOrgs) }
