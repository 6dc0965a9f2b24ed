package stack

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsdynamodb"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/kabinet/kabinet/functions"
)

// newFunction creates the Lambda of function f, sized as f says, from the
// binary at <AssetDir>/<name>/bootstrap, with its own log group so that
// retention is set without CDK's log-retention custom resource, and its own
// role (newFunctionRole: writing to that log group and nothing else yet).
// Its grants come after (grantTable, grantTopics, configureTickets,
// giveDeliveryDLQ).
func newFunction(scope constructs.Construct, f functions.Function, p Props, table awsdynamodb.ITable) awslambda.Function {
	name := f.Name
	if f.MemoryMB <= 0 || f.Timeout < time.Second || f.Timeout%time.Second != 0 {
		panic(fmt.Sprintf("stack: function %s: memory %d MB and timeout %s; want a size and whole seconds", name, f.MemoryMB, f.Timeout))
	}
	dir := filepath.Join(p.AssetDir, name)
	if _, err := os.Stat(filepath.Join(dir, "bootstrap")); err != nil {
		panic(fmt.Sprintf("stack: function %s has no binary (%v); run `make build` first", name, err))
	}
	id := constructID(name)
	logs := awslogs.NewLogGroup(scope, jsii.String(id+"Logs"), &awslogs.LogGroupProps{
		Retention:     awslogs.RetentionDays_ONE_MONTH,
		RemovalPolicy: awscdk.RemovalPolicy_DESTROY,
	})
	return awslambda.NewFunction(scope, jsii.String(id+"Function"), &awslambda.FunctionProps{
		Role:         newFunctionRole(scope, id, logs),
		Description:  jsii.String(functionDescription(name, p.Stage)),
		Runtime:      awslambda.Runtime_PROVIDED_AL2023(),
		Architecture: awslambda.Architecture_ARM_64(),
		Handler:      jsii.String("bootstrap"),
		Code:         awslambda.Code_FromAsset(jsii.String(dir), nil),
		MemorySize:   jsii.Number(f.MemoryMB),
		Timeout:      awscdk.Duration_Seconds(jsii.Number(f.Timeout.Seconds())),
		Tracing:      awslambda.Tracing_ACTIVE,
		LogGroup:     logs,
		Environment: &map[string]*string{
			"TABLE_NAME": table.TableName(),
			"STAGE":      jsii.String(p.Stage),
		},
	})
}

// functionDescription is the description of function name's Lambda. It names
// the function in the console and lets tests find each function's resource.
func functionDescription(name, stage string) string {
	return fmt.Sprintf("Kabinet %s function (stage %s)", name, stage)
}

// constructID turns a function name such as "documents" or "due-reminders"
// into a construct id prefix such as "Documents" or "DueReminders".
func constructID(name string) string {
	var b strings.Builder
	for _, part := range strings.FieldsFunc(name, func(r rune) bool { return r == '-' || r == '_' }) {
		b.WriteString(strings.ToUpper(part[:1]) + part[1:])
	}
	return b.String()
}
