from django.urls import path

from . import hotline_views, roster_print, roster_views, views

app_name = "callcenter"
urlpatterns = [
    path("", views.console, name="console"),
    path("switchboard/", views.switchboard_log, name="switchboard_log"),
    path(
        "switchboard/<int:pk>/message/",
        views.message_after_call,
        name="message_after_call",
    ),
    path("directory/search/", views.directory_search, name="directory_search"),
    path("messages/", views.message_list, name="messages"),
    path("messages/new/", views.message_new, name="message_new"),
    path("messages/<int:pk>/return/", views.message_return, name="message_return"),
    path("roster/", roster_views.roster, name="roster"),
    path("roster/print/", roster_print.roster_print, name="roster_print"),
    path("roster/shifts/new/", roster_views.shift_edit, name="shift_new"),
    path("roster/shifts/<int:pk>/", roster_views.shift_edit, name="shift_edit"),
    path(
        "roster/shifts/<int:pk>/delete/", roster_views.shift_remove, name="shift_delete"
    ),
    path("roster/shifts/<int:pk>/away/", roster_views.shift_away, name="shift_away"),
    path("roster/handovers/new/", roster_views.handover_new, name="handover_new"),
    path(
        "roster/handovers/<int:pk>/print/",
        roster_print.handover_print,
        name="handover_print",
    ),
    path("hotline/", hotline_views.hotline, name="hotline"),
    path("hotline/answer-rate/", hotline_views.answer_rate, name="answer_rate"),
    path("hotline/health/", hotline_views.health, name="health"),
    path(
        "hotline/faults/<int:pk>/close/", hotline_views.fault_close, name="fault_close"
    ),
    path("statistics/", hotline_views.statistics, name="statistics"),
    path("api/events/", views.events_api, name="events_api"),
    path("api/tokens/", views.api_tokens, name="api_tokens"),
    path(
        "api/tokens/<int:pk>/revoke/",
        views.api_token_revoke_view,
        name="api_token_revoke",
    ),
]
