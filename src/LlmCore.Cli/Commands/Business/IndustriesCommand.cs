using System.CommandLine;
using LlmCore.Cli.Infrastructure;
using LlmCore.Commercialization.Industries;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace LlmCore.Cli.Commands.Business;

/// <summary><c>llmcore business industries</c>: lists the industry catalogue.</summary>
internal static class IndustriesCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("industries", "List the industries 'business analyze' knows, with their regulations and data sensitivity.");
        command.SetAction((Func<ParseResult, int>)(parseResult =>
        {
            using var provider = BusinessServices.Build();
            var industries = provider.GetRequiredService<IIndustryCatalog>().Industries;
            if (parseResult.GetValue(CliContext.JsonOption))
            {
                context.WriteJson(new
                {
                    industries = industries.Select(static i => new
                    {
                        i.Name,
                        i.DisplayName,
                        i.Aliases,
                        i.UseCases,
                        regulations = i.Regulations.Select(static r => r.Name),
                        dataSensitivity = i.DataSensitivity.ToString(),
                        euAiActRiskClass = i.EuAiActRiskClass.ToString(),
                        willingnessToPay = i.WillingnessToPay.ToString(),
                        i.SeatPriceUsdPerMonth,
                        i.PricePerRequestUsd,
                        i.SalesCycleMonths,
                    }),
                });
                return CliApp.Success;
            }

            // Names a user types (the first column) never wrap; prose (the display name, the regulations) does. The
            // regulations get their own table, one row per regulation with its short name (the part before the
            // parenthesis), so no list is cut to a first word at 80 columns.
            var table = new Table().Border(TableBorder.Rounded)
                .AddColumn(new TableColumn("name").NoWrap()).AddColumn("industry").AddColumn(new TableColumn("data").NoWrap())
                .AddColumn(new TableColumn("EU AI Act").NoWrap()).AddColumn("willingness to pay");
            foreach (var i in industries)
            {
                table.AddRow(
                    Markup.Escape(i.Name),
                    Markup.Escape(i.DisplayName),
                    i.DataSensitivity.ToString(),
                    i.EuAiActRiskClass.ToString(),
                    i.WillingnessToPay.ToString());
            }

            context.Console.Write(table);

            var regulations = new Table().Border(TableBorder.Rounded).Title("regulations by industry")
                .AddColumn(new TableColumn("name").NoWrap()).AddColumn("regulation").AddColumn("where");
            foreach (var i in industries)
            {
                var first = true;
                foreach (var r in i.Regulations)
                {
                    regulations.AddRow(first ? Markup.Escape(i.Name) : string.Empty, Markup.Escape(ShortName(r.Name)), Markup.Escape(r.Jurisdiction));
                    first = false;
                }
            }

            context.Console.Write(regulations);
            return CliApp.Success;
        }));
        return command;
    }

    /// <summary>A regulation's name without its citation: "GDPR (Regulation (EU) 2016/679)" → "GDPR".</summary>
    internal static string ShortName(string name)
    {
        var cut = name.IndexOf(" (", StringComparison.Ordinal);
        return (cut > 0 ? name[..cut] : name).Trim();
    }
}
