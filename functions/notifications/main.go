// Command notifications is the Lambda serving the cabinet's inbox:
// GET /notifications and POST /notifications/{id}/read.
package main

import (
	"context"
	"os"

	"github.com/kabinet/kabinet/shared/adapter/httpapi"
	"github.com/kabinet/kabinet/shared/adapter/httpapi/lambdahttp"
)

func main() { lambdahttp.Main(context.Background(), os.Getenv, httpapi.FnNotifications) }
